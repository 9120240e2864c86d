import { bearer, createTestApp, TestApp } from '../support/test-app';

describe('health and metrics', () => {
  describe('defaults', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp();
    });
    afterAll(() => t.close());

    it('answers /health in the Terminus shape with a memory check and a timestamp', async () => {
      const res = await t.http.get('/health').expect(200);
      expect(res.body).toMatchObject({
        status: 'ok',
        info: { memory: { status: 'up' } },
        error: {},
        details: { memory: { status: 'up' } },
      });
      expect(Date.parse(res.body.timestamp)).not.toBeNaN();
    });

    it('answers /health/live and /health/ready', async () => {
      await t.http.get('/health/live').expect(200);
      const ready = await t.http.get('/health/ready').expect(200);
      expect(ready.body.status).toBe('ok');
    });

    it('describes the service at /', async () => {
      const res = await t.http.get('/').expect(200);
      expect(res.body).toMatchObject({
        name: 'mcp-tool-server',
        paths: { health: '/health', metrics: '/metrics', docs: '/docs', mcp: '/mcp' },
        // The original design's root document, kept so its clients and smoke tests work unchanged.
        service: 'mcp-tool-server',
        docs: '/docs',
        health: '/health',
        metrics: '/metrics',
      });
      expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
    });

    it('exports default, HTTP (by route template) and rate-limit metrics', async () => {
      await t.http.get('/probe/items/12345').set(bearer(t.primaryKey)).expect(200);
      const res = await t.http.get('/metrics').set(bearer(t.primaryKey)).expect(200);
      expect(res.headers['content-type']).toContain('text/plain');
      expect(res.text).toContain('process_cpu_user_seconds_total');
      expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/probe\/items\/:id",status="200"\} [1-9]/);
      expect(res.text).toContain('http_request_duration_seconds_bucket');
      expect(res.text).not.toContain('12345');
      expect(res.text).toContain('# TYPE rate_limit_rejections_total counter');
    });
  });

  describe('switched by configuration', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ HEALTH_CHECK_ENABLED: 'false', METRICS_PUBLIC: 'true' });
    });
    afterAll(() => t.close());

    it('turns the health routes off', async () => {
      await t.http.get('/health').expect(404);
      await t.http.get('/health/live').expect(404);
    });

    it('serves /metrics without a key when METRICS_PUBLIC=true', async () => {
      await t.http.get('/metrics').expect(200);
    });
  });

  describe('metrics disabled', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ METRICS_ENABLED: 'false' });
    });
    afterAll(() => t.close());

    it('answers 404 on /metrics', async () => {
      await t.http.get('/metrics').set(bearer(t.primaryKey)).expect(404);
    });
  });
});
