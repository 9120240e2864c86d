import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { parse, parseAllDocuments } from 'yaml';
import { Environment, SENSITIVE_VARIABLES } from '../../src/config/environment';
import { tracingSettingsFrom } from '../../src/platform/tracing/tracing-settings';
import { ConfigValidationError, validateEnvironment } from '../../src/config/validate-environment';
import { TOOL_ERROR_STATUSES } from '../../src/platform/errors/tool-error-status';

/**
 * The deployment artefacts in deploy/ must not drift from the code: variable names, port, probe paths,
 * drain deadline, metric and label names are all read from the source or the manifests themselves.
 */
jest.setTimeout(10_000);

const root = join(__dirname, '..', '..');
const read = (...parts: string[]): string => readFileSync(join(root, ...parts), 'utf8');
const ENVIRONMENT_NAMES = new Set(Object.keys(new Environment()));
const DEFAULTS = new Environment() as unknown as Record<string, unknown>;
const VALID_KEY = 'deploy-manifest-spec-key-0123456789';
/** PostgreSQL's default max_connections (100) less its 3 superuser_reserved_connections and the 2 connections
 * a booting (surging) replica holds while it migrates. */
const POSTGRES_CONNECTION_BUDGET = 100 - 3 - 2;
/** Seconds between the end of the drain deadline and SIGKILL, for the last log lines and module shutdown. */
const MIN_SHUTDOWN_MARGIN_SECONDS = 5;

interface Metadata {
  readonly name: string;
  readonly labels?: Record<string, string>;
}
interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: Metadata;
}
interface Probe {
  readonly httpGet: { readonly path: string; readonly port: number | string };
}
interface Container {
  readonly name: string;
  readonly image: string;
  readonly ports: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly env?: readonly { readonly name: string }[];
  readonly envFrom?: readonly { readonly configMapRef?: { name: string }; readonly secretRef?: { name: string } }[];
  readonly resources: {
    readonly requests?: Record<string, string>;
    readonly limits?: Record<string, string>;
  };
  readonly startupProbe?: Probe;
  readonly livenessProbe: Probe;
  readonly readinessProbe: Probe;
  readonly lifecycle?: {
    readonly preStop?: { readonly exec?: { readonly command: readonly string[] }; readonly sleep?: { readonly seconds: number } };
  };
  readonly securityContext: {
    readonly allowPrivilegeEscalation?: boolean;
    readonly readOnlyRootFilesystem?: boolean;
    readonly runAsNonRoot?: boolean;
    readonly capabilities?: { readonly drop?: readonly string[] };
  };
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string }[];
}
interface Deployment extends Manifest {
  readonly spec: {
    readonly replicas: number;
    readonly selector: { readonly matchLabels: Record<string, string> };
    readonly strategy: { readonly rollingUpdate: { readonly maxUnavailable: number | string } };
    readonly template: {
      readonly metadata: { readonly labels: Record<string, string> };
      readonly spec: {
        readonly automountServiceAccountToken?: boolean;
        readonly terminationGracePeriodSeconds: number;
        readonly securityContext: {
          readonly runAsNonRoot?: boolean;
          readonly runAsUser?: number;
          readonly seccompProfile?: { readonly type: string };
        };
        readonly containers: readonly Container[];
        readonly volumes?: readonly { readonly name: string; readonly emptyDir?: object }[];
      };
    };
  };
}
interface ConfigMap extends Manifest {
  readonly data: Record<string, string>;
}
interface Secret extends Manifest {
  readonly stringData: Record<string, string>;
}
interface Service extends Manifest {
  readonly spec: {
    readonly selector: Record<string, string>;
    readonly ports: readonly { readonly port: number; readonly targetPort: number | string }[];
  };
}
interface HorizontalPodAutoscaler extends Manifest {
  readonly spec: {
    readonly scaleTargetRef: { readonly apiVersion: string; readonly kind: string; readonly name: string };
    readonly minReplicas: number;
    readonly maxReplicas: number;
    readonly metrics: readonly {
      readonly type: string;
      readonly resource?: { readonly name: string; readonly target: { readonly type: string; readonly averageUtilization?: number } };
    }[];
  };
}
interface PodDisruptionBudget extends Manifest {
  readonly spec: { readonly minAvailable: number; readonly selector: { readonly matchLabels: Record<string, string> } };
}

const k8sDir = join('deploy', 'kubernetes');
const kustomization = parse(read(k8sDir, 'kustomization.yaml')) as {
  resources: string[];
  images: { name: string }[];
};
const manifests: Manifest[] = kustomization.resources.flatMap((file) =>
  parseAllDocuments(read(k8sDir, file)).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((error) => error.message).join('; ')}`);
    return doc.toJS() as Manifest;
  }),
);

function only<T extends Manifest>(kind: string): T {
  const found = manifests.filter((manifest) => manifest.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as T;
}

const deployment = only<Deployment>('Deployment');
const configMap = only<ConfigMap>('ConfigMap');
const secret = only<Secret>('Secret');
const service = only<Service>('Service');
const hpa = only<HorizontalPodAutoscaler>('HorizontalPodAutoscaler');
const pdb = only<PodDisruptionBudget>('PodDisruptionBudget');
const podSpec = deployment.spec.template.spec;
const podLabels = deployment.spec.template.metadata.labels;
const container = podSpec.containers[0];

/** A setting as the pod sees it: the ConfigMap's value, else the Environment default. */
function setting(name: string): string {
  if (!ENVIRONMENT_NAMES.has(name)) throw new Error(`${name} is not a variable of Environment`);
  return configMap.data[name] ?? String(DEFAULTS[name]);
}

function containerPort(port: number | string): number {
  if (typeof port === 'number') return port;
  const named = container.ports.find((candidate) => candidate.name === port);
  if (!named) throw new Error(`no container port named ${port}`);
  return named.containerPort;
}

/** Mebibytes of a Kubernetes memory quantity (Mi or Gi). */
function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unsupported memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}

function preStopSeconds(): number {
  const preStop = container.lifecycle?.preStop;
  if (preStop?.sleep) return preStop.sleep.seconds;
  const command = preStop?.exec?.command ?? [];
  if (command.length !== 2 || command[0] !== 'sleep' || !/^\d+$/.test(command[1])) {
    throw new Error(`preStop is not a plain sleep: ${JSON.stringify(preStop)}`);
  }
  return Number(command[1]);
}

function selects(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe('deploy/kubernetes', () => {
  it('lists every manifest in kustomization.yaml, one object of each kind', () => {
    const files = readdirSync(join(root, k8sDir)).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml');
    expect([...kustomization.resources].sort()).toEqual(files.sort());
    expect(manifests.map((manifest) => manifest.kind).sort()).toEqual(
      ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Secret', 'Service'],
    );
    expect(podSpec.containers).toHaveLength(1);
    expect(kustomization.images.map((image) => image.name)).toEqual([container.image.split(':')[0]]);
  });

  it('runs at least two replicas and rolls without dropping below them', () => {
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    expect(selects(deployment.spec.selector.matchLabels, podLabels)).toBe(true);
  });

  it('serves PORT on the container, the Service and every probe', () => {
    const port = Number(setting('PORT'));
    expect(container.ports.map((candidate) => candidate.containerPort)).toEqual([port]);
    expect(service.spec.ports.map((candidate) => containerPort(candidate.targetPort))).toEqual([port]);
    expect(selects(service.spec.selector, podLabels)).toBe(true);

    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.startupProbe?.httpGet.path).toBe('/health/live');
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      expect(containerPort(probe?.httpGet.port ?? -1)).toBe(port);
    }
  });

  it('sets requests and limits, with the heap alarm of /health below the memory limit', () => {
    const { requests = {}, limits = {} } = container.resources;
    expect(Object.keys(requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(limits).sort()).toEqual(['cpu', 'memory']);
    expect(mebibytes(requests.memory)).toBeLessThanOrEqual(mebibytes(limits.memory));
    expect(Number(setting('HEALTH_MEMORY_HEAP_LIMIT_MB'))).toBeLessThan(mebibytes(limits.memory));
  });

  it('runs as the image user, non-root, read-only, without privilege escalation or capabilities', () => {
    expect(podSpec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(podSpec.automountServiceAccountToken).toBe(false);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
    expect(podSpec.volumes?.find((volume) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
  });

  it('gives the drain its whole deadline: grace period ≥ preStop + SHUTDOWN_TIMEOUT_SECONDS + margin', () => {
    const drain = Number(setting('SHUTDOWN_TIMEOUT_SECONDS'));
    const pause = preStopSeconds();
    expect(pause).toBeGreaterThan(0);
    expect(podSpec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(pause + drain + MIN_SHUTDOWN_MARGIN_SECONDS);
    expect(drain).toBeGreaterThanOrEqual(Number(setting('TOOL_TIMEOUT_SECONDS')));
  });

  it('scales the Deployment on CPU from its replica count, within the database connection budget', () => {
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(hpa.spec.minReplicas).toBe(deployment.spec.replicas);
    expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } },
    ]);
    const poolCeiling = Number(setting('DB_POOL_SIZE')) + Number(setting('DB_POOL_MAX_OVERFLOW'));
    expect(hpa.spec.maxReplicas * poolCeiling).toBeLessThanOrEqual(POSTGRES_CONNECTION_BUDGET);
  });

  it('keeps a replica through voluntary disruptions without blocking node drains', () => {
    expect(selects(pdb.spec.selector.matchLabels, podLabels)).toBe(true);
    expect(pdb.spec.minAvailable).toBeGreaterThanOrEqual(1);
    expect(pdb.spec.minAvailable).toBeLessThan(deployment.spec.replicas);
  });

  it('loads the ConfigMap and the Secret, whose keys are all variables of Environment', () => {
    expect(container.envFrom).toEqual([
      { configMapRef: { name: configMap.metadata.name } },
      { secretRef: { name: secret.metadata.name } },
    ]);
    const names = [...Object.keys(configMap.data), ...Object.keys(secret.stringData), ...(container.env ?? []).map((env) => env.name)];
    expect(names.filter((name) => !ENVIRONMENT_NAMES.has(name))).toEqual([]);
  });

  it('keeps every credential in the Secret and none in the ConfigMap', () => {
    expect(Object.keys(secret.stringData).sort()).toEqual([...SENSITIVE_VARIABLES].sort());
    const leaked = Object.entries(configMap.data).filter(
      ([name, value]) => SENSITIVE_VARIABLES.has(name) || /KEY|TOKEN|PASSWORD|SECRET/.test(name) || /:\/\/[^/\s]*@/.test(value),
    );
    expect(leaked).toEqual([]);
  });

  it('holds valid settings, and refuses to boot until API_KEY_PRIMARY is replaced', () => {
    const raw = { ...configMap.data, ...secret.stringData };
    let failure: unknown;
    try {
      validateEnvironment(raw);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ConfigValidationError);
    expect((failure as ConfigValidationError).problems.map((problem) => problem.split('=')[0])).toEqual(['API_KEY_PRIMARY']);

    const env = validateEnvironment({ ...raw, API_KEY_PRIMARY: VALID_KEY });
    expect(env).toMatchObject({ ENVIRONMENT: 'production', HEALTH_CHECK_ENABLED: true, RATE_LIMIT_STORAGE: 'redis' });
    expect(env.DB_URL).toMatch(/^postgres(ql)?:\/\//);
  });
});

/** Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?message}` with the given variables. */
function interpolate(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    const given = variables[name];
    if (given !== undefined && given !== '') return given;
    if (kind === '-') return rest ?? '';
    throw new Error(`${name} is required: ${rest ?? ''}`);
  });
}

interface ComposeService {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly environment?: Record<string, string>;
  readonly ports?: readonly string[];
  readonly healthcheck?: { readonly test: readonly string[] | string };
  readonly depends_on?: Record<string, { readonly condition: string }>;
  readonly stop_grace_period?: string;
  readonly read_only?: boolean;
  readonly volumes?: readonly string[];
}

describe('deploy/docker-compose.yml', () => {
  const compose = parse(read('deploy', 'docker-compose.yml')) as { services: Record<string, ComposeService> };
  const { server, postgres, redis } = compose.services;
  const environment = Object.fromEntries(
    Object.entries(server.environment ?? {}).map(([name, value]) => [name, interpolate(String(value), { API_KEY_PRIMARY: VALID_KEY })]),
  );

  it('builds the server from the repository Dockerfile', () => {
    expect(server.build?.context).toBe('..');
    expect(existsSync(join(root, 'deploy', server.build?.context ?? '', server.build?.dockerfile ?? ''))).toBe(true);
  });

  it('sets only variables of Environment, valid together, against the compose services', () => {
    expect(Object.keys(environment).filter((name) => !ENVIRONMENT_NAMES.has(name))).toEqual([]);
    expect(() => interpolate(String(server.environment?.API_KEY_PRIMARY), {})).toThrow(/API_KEY_PRIMARY is required/);
    const env = validateEnvironment(environment);
    expect(env.RATE_LIMIT_STORAGE).toBe('redis');
    expect(new URL(env.DB_URL ?? '').hostname).toBe('postgres');
    expect(new URL(env.REDIS_URL).hostname).toBe('redis');
    expect(postgres.image).toMatch(/^pgvector\/pgvector:pg\d+$/);
  });

  it('publishes PORT on loopback and checks readiness on it', () => {
    const port = environment.PORT ?? String(DEFAULTS.PORT);
    expect(server.ports).toEqual([`127.0.0.1:${port}:${port}`]);
    expect(JSON.stringify(server.healthcheck?.test)).toContain(`:${port}/health/ready`);
  });

  it('health-checks every service and starts the server once PostgreSQL and Redis are healthy', () => {
    for (const service of [server, postgres, redis]) expect(service.healthcheck?.test).toBeDefined();
    expect(server.depends_on).toEqual({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      'otel-collector': { condition: 'service_started' },
    });
  });

  it('sends traces to its OpenTelemetry Collector, which forwards them to Jaeger', () => {
    const collector = compose.services['otel-collector'];
    const jaeger = compose.services.jaeger;
    expect(new URL(environment.OTEL_EXPORTER_OTLP_ENDPOINT).host).toBe('otel-collector:4318');
    expect(tracingSettingsFrom(validateEnvironment(environment))?.tracesUrl).toBe('http://otel-collector:4318/v1/traces');
    expect(jaeger.ports).toEqual(['127.0.0.1:16686:16686']);
    const mount = (collector.volumes ?? [])[0] ?? '';
    const config = parse(read('deploy', mount.split(':')[0])) as {
      receivers: { otlp: { protocols: { http: { endpoint: string } } } };
      exporters: Record<string, { endpoint: string }>;
      service: { pipelines: { traces: { receivers: string[]; exporters: string[] } } };
    };
    expect(config.receivers.otlp.protocols.http.endpoint).toMatch(/:4318$/);
    const pipeline = config.service.pipelines.traces;
    expect(pipeline.receivers).toEqual(['otlp']);
    expect(pipeline.exporters.map((name) => config.exporters[name].endpoint)).toEqual(['jaeger:4317']);
  });

  it('lets the drain finish before compose kills the server', () => {
    const grace = /^(\d+)s$/.exec(server.stop_grace_period ?? '');
    const drain = Number(environment.SHUTDOWN_TIMEOUT_SECONDS ?? DEFAULTS.SHUTDOWN_TIMEOUT_SECONDS);
    expect(Number(grace?.[1])).toBeGreaterThanOrEqual(drain + MIN_SHUTDOWN_MARGIN_SECONDS);
    expect(server.read_only).toBe(true);
  });
});

interface MetricDefinition {
  readonly labels: ReadonlySet<string>;
}

/** Every metric registered with make{Counter,Gauge,Histogram}Provider or built with new {Counter,Gauge,Histogram} in src, with its label names. */
function sourceMetrics(): Map<string, MetricDefinition> {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path.endsWith('.ts') && !path.endsWith('.spec.ts')) files.push(path);
    }
  };
  walk('src');
  const sources = files.map((file) => read(file));
  const constants = new Map<string, string>();
  for (const source of sources) {
    for (const match of source.matchAll(/export const ([A-Z0-9_]+) = '([a-z_:][a-z0-9_:]*)';/g)) constants.set(match[1], match[2]);
  }
  const metrics = new Map<string, MetricDefinition>();
  for (const source of sources) {
    for (const found of source.matchAll(/(?:make(Counter|Gauge|Histogram)Provider|new (Counter|Gauge|Histogram))\(\{([\s\S]*?)\}\)/g)) {
      const match = [found[0], found[1] ?? found[2], found[3]] as const;
      const nameMatch = /name: (?:'([^']+)'|([A-Z0-9_]+))/.exec(match[2]);
      const name = nameMatch?.[1] ?? constants.get(nameMatch?.[2] ?? '');
      if (!name) throw new Error(`cannot resolve a metric name in: ${match[0]}`);
      const labels = new Set([...(/labelNames: \[([^\]]*)\]/.exec(match[2])?.[1] ?? '').matchAll(/'([^']+)'/g)].map((label) => label[1]));
      if (match[1] === 'Histogram') {
        metrics.set(`${name}_bucket`, { labels: new Set([...labels, 'le']) });
        metrics.set(`${name}_sum`, { labels });
        metrics.set(`${name}_count`, { labels });
      } else {
        metrics.set(name, { labels });
      }
    }
  }
  return metrics;
}

/**
 * The process metrics prom-client registers by default (the server enables them). getMetricsAsArray() returns
 * the metric instances, though its typings say plain objects: `instanceof Histogram` tells the histograms.
 */
function defaultMetrics(): Map<string, MetricDefinition> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const names = (registry.getMetricsAsArray() as unknown[]).flatMap((metric) => {
    const { name } = metric as { name: string };
    return metric instanceof Histogram ? ['_bucket', '_sum', '_count'].map((suffix) => name + suffix) : [name];
  });
  registry.clear();
  return new Map(names.map((name) => [name, { labels: new Set<string>() }]));
}

/** Functions, aggregations and keywords of PromQL that the dashboard uses; any other word is a metric. */
const PROMQL_WORDS = new Set(['sum', 'max', 'min', 'avg', 'count', 'rate', 'irate', 'increase', 'histogram_quantile', 'scalar']);
/** Labels the scrape adds to every series. */
const TARGET_LABELS = new Set(['job', 'instance']);

interface Selector {
  readonly metric: string;
  readonly matchers: readonly { readonly label: string; readonly value: string }[];
}

/** The metric selectors of a PromQL expression and the labels it groups by. */
function analyse(expr: string): { selectors: Selector[]; grouping: string[] } {
  const grouping: string[] = [];
  const stripped = expr
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_, labels: string) => {
      grouping.push(...labels.split(',').map((label) => label.trim()).filter(Boolean));
      return ' ';
    })
    .replace(/\[[^\]]*\]/g, '');
  const selectors: Selector[] = [];
  for (const match of stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{([^}]*)\})?/g)) {
    if (PROMQL_WORDS.has(match[1]) && match[2] === undefined) continue;
    const matchers = [...(match[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*"([^"]*)"/g)].map((matcher) => ({
      label: matcher[1],
      value: matcher[2],
    }));
    selectors.push({ metric: match[1], matchers });
  }
  return { selectors, grouping };
}

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
}

describe('deploy/grafana/mcp-tool-server.dashboard.json', () => {
  const dashboard = JSON.parse(read('deploy', 'grafana', 'mcp-tool-server.dashboard.json')) as {
    uid: string;
    panels: Panel[];
    templating: { list: { name: string; definition?: string }[] };
  };
  const exprs = [
    ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
    ...dashboard.templating.list.flatMap((variable) => (variable.definition ? [variable.definition] : [])),
  ];
  const known = new Map([...defaultMetrics(), ...sourceMetrics()]);

  it('links the tool latency panel to traces: exemplars on its query and a data link to the tool in Jaeger', () => {
    const latency = dashboard.panels.find((panel) => (panel.targets ?? []).some((target) => target.expr.includes('mcp_tool_duration_seconds_bucket'))) as unknown as {
      targets: { exemplar?: boolean }[];
      fieldConfig?: { defaults?: { links?: { url: string }[] } };
    };
    expect(latency.targets.every((target) => target.exemplar === true)).toBe(true);
    const [link] = latency.fieldConfig?.defaults?.links ?? [];
    expect(link.url).toMatch(/^\$\{jaeger_url\}\/search\?service=mcp-tool-server&operation=execute_tool%20\$\{__field\.labels\.tool\}&/);
    expect(dashboard.templating.list.map((variable) => variable.name)).toContain('jaeger_url');
  });

  it('reads the metric definitions of the source', () => {
    expect([...(known.get('mcp_tool_calls_total')?.labels ?? [])].sort()).toEqual(['key_id', 'status', 'tool']);
    expect(known.get('mcp_tool_duration_seconds_bucket')?.labels.has('le')).toBe(true);
    expect(known.has('process_resident_memory_bytes')).toBe(true);
    expect(known.has('nodejs_gc_duration_seconds_bucket')).toBe(true);
  });

  it('has a uid, unique panel ids and a query on every panel that is not a row', () => {
    expect(dashboard.uid).toBe('mcp-tool-server');
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const empty = dashboard.panels.filter((panel) => panel.type !== 'row' && (panel.targets ?? []).length === 0);
    expect(empty.map((panel) => panel.title)).toEqual([]);
  });

  it('queries only metrics and labels that the server exports', () => {
    const problems: string[] = [];
    for (const expr of exprs) {
      const { selectors, grouping } = analyse(expr.replace(/^label_values\((\w+), (\w+)\)$/, 'max by ($2) ($1)'));
      if (selectors.length === 0) problems.push(`no metric in ${expr}`);
      const labelsHere = new Set([...TARGET_LABELS]);
      for (const { metric, matchers } of selectors) {
        const definition = known.get(metric);
        if (!definition) {
          problems.push(`unknown metric ${metric}`);
          continue;
        }
        definition.labels.forEach((label) => labelsHere.add(label));
        for (const { label } of matchers) {
          if (!definition.labels.has(label) && !TARGET_LABELS.has(label)) problems.push(`${metric} has no label ${label}`);
        }
      }
      for (const label of grouping) if (!labelsHere.has(label)) problems.push(`no metric of ${expr} has the label ${label}`);
    }
    expect(problems).toEqual([]);
  });

  it('filters tool calls only on statuses the invoker records', () => {
    const statuses = new Set<string>(['ok', 'cancelled', ...TOOL_ERROR_STATUSES]);
    const values = exprs.flatMap((expr) =>
      analyse(expr)
        .selectors.filter((selector) => selector.metric === 'mcp_tool_calls_total')
        .flatMap((selector) => selector.matchers.filter((matcher) => matcher.label === 'status'))
        .flatMap((matcher) => matcher.value.split('|')),
    );
    expect(values.length).toBeGreaterThan(0);
    expect(values.filter((value) => !statuses.has(value))).toEqual([]);
  });

  it.each([
    'mcp_tool_calls_total',
    'mcp_tool_duration_seconds_bucket',
    'rate_limit_rejections_total',
    'upstream_request_duration_seconds_bucket',
    'upstream_circuit_state',
    'db_query_duration_seconds_bucket',
    'db_pool_connections',
    'process_resident_memory_bytes',
    'nodejs_eventloop_lag_p99_seconds',
  ])('charts %s', (metric) => {
    expect(exprs.some((expr) => analyse(expr).selectors.some((selector) => selector.metric === metric))).toBe(true);
  });
});
