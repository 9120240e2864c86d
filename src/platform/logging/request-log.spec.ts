import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { storage } from 'nestjs-pino/storage';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { httpRequestLogOptions } from './logging.module';
import { RequestLog } from './request-log';

function fakeExchange(status: number, ended = true): { req: IncomingMessage & { id: string }; res: ServerResponse & EventEmitter } {
  const req = Object.assign(new EventEmitter(), { id: 'r-1', method: 'POST', url: '/mcp', headers: {}, socket: { remoteAddress: '127.0.0.1' }, readableAborted: false });
  const res = Object.assign(new EventEmitter(), { statusCode: status, headersSent: true, writableEnded: ended, getHeaders: () => ({}) });
  return { req: req as unknown as IncomingMessage & { id: string }, res: res as unknown as ServerResponse & EventEmitter };
}

describe('RequestLog', () => {
  const lines: Record<string, unknown>[] = [];
  const root = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const options = httpRequestLogOptions();
  const log = new RequestLog(pinoHttp<IncomingMessage, ServerResponse>({ logger: root, ...options }), options.customLogLevel);

  beforeEach(() => {
    lines.length = 0;
  });

  it('writes nothing for a successful POST /mcp, and makes no request logger unless asked', () => {
    const { req, res } = fakeExchange(200);
    const child = jest.spyOn(root, 'child');
    log.begin(req, res);
    res.emit('finish');
    res.emit('close');
    expect(lines).toEqual([]);
    expect(child).not.toHaveBeenCalled();
    child.mockRestore();
  });

  it('writes a 4xx as pino-http does: warn, request completed, the request and the status', () => {
    const { req, res } = fakeExchange(401);
    log.begin(req, res);
    res.emit('finish');
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, msg: 'request completed', request_id: 'r-1', req: { method: 'POST', url: '/mcp', remote_address: '127.0.0.1' }, res: { status: 401 } }),
    ]);
    expect(typeof lines[0].responseTime).toBe('number');
  });

  it('writes a 5xx as an error line with the status in err, and a response cut short as aborted', () => {
    const failed = fakeExchange(503);
    log.begin(failed.req, failed.res);
    failed.res.emit('finish');
    expect(lines[0]).toMatchObject({ level: 50, msg: 'request errored', err: { message: 'failed with status code 503' }, res: { status: 503 } });
    const cut = fakeExchange(400, false);
    log.begin(cut.req, cut.res);
    cut.res.emit('close');
    expect(lines[1]).toMatchObject({ level: 40, msg: 'request aborted' });
  });

  it('gives nestjs-pino a store whose logger carries the request id, made on first use', () => {
    const { req, res } = fakeExchange(200);
    const store = log.begin(req, res);
    storage.run(store, () => storage.getStore()?.logger.info('inside'));
    expect(lines).toEqual([expect.objectContaining({ msg: 'inside', request_id: 'r-1' })]);
  });
});
