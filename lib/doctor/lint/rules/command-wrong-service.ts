import { CanaryView, WebhookView } from '../../model/canary-view';
import { ManifestIndex } from '../../model/manifest-index';
import { apiGroupOf, SourcedObject } from '../../model/object';
import { providerIsKnown, providerText } from '../../model/provider';
import { apexNotSplit, hostMatches, matchesAbRoute, RoutedHosts, routedHosts } from '../../model/routing';
import { canaryServicePorts, commandNamespace, HostResolution, hostLike, portProtocol, resolveHost, tlsMismatch } from '../../model/services';
import { mapAt } from '../../model/yaml';
import { LOAD_GENERATORS } from '../../programs/arguments';
import { CommandUrl, commandUrls } from '../../programs/command-urls';
import { closest } from '../../util/suggest';
import { withHost } from '../../util/urls';
import { reportMissing } from '../presence';
import { canaryRules, LintContext, Report, report, RuleInfo, RuleSet, Severity } from '../rule';

const info: RuleInfo = {
  id: 'command-wrong-service',
  severity: 'error',
  title: "Webhook command calls a Service that does not reach the canary: another Service, the apex where the provider routes it to the primary only, "
    + 'a gateway host not routed to the canary, a request without the A/B headers, or the wrong port or scheme',
  symptom: 'The load test sends no traffic to the canary, so every metric check halts with '
    + '`Halt advancement no values found for istio metric request-success-rate probably podinfo.test is not receiving traffic`, '
    + 'and the canary is rolled back; an acceptance test tests the wrong thing.',
};

/** Webhooks whose commands run while the canary is analysed; post-rollout, rollback and event hooks run after or outside it. */
const ANALYSIS_HOOKS = new Set(['pre-rollout', 'rollout', 'confirm-rollout', 'confirm-traffic-increase', 'confirm-promotion']);

type ServiceResolution = Extract<HostResolution, { kind: 'service' }>;

/** A Service of the manifests that selects the pods of an Istio Gateway of the manifests: an ingress gateway. */
function isGatewayService(index: ManifestIndex, service: SourcedObject): boolean {
  const selector = mapAt(service.object.spec, 'selector');
  return index.ofKind('Gateway').some((gateway) => {
    if (apiGroupOf(gateway.object.apiVersion) !== 'networking.istio.io') return false;
    const wanted = Object.entries(mapAt(gateway.object.spec, 'selector'));
    return wanted.length > 0 && wanted.every(([key, value]) => selector[key] === value);
  });
}

function hasGateway(index: ManifestIndex, namespace: string): boolean {
  return index.gatewayKeys().some((key) => key.startsWith(`${namespace}/`));
}

function hostFlag(program: string, host: string): string {
  return program === 'hey' || program === 'oha' ? `-host ${host}` : `-H 'Host: ${host}'`;
}

function routesText(routes: RoutedHosts): string {
  return routes.hosts.length > 0 ? `${routes.hosts.join(', ')}, from ${routes.sources.join(', ')}` : `none: ${routes.sources.join(', ') || 'no route'} binds it to a gateway`;
}

interface Call {
  readonly canary: CanaryView;
  readonly hook: WebhookView;
  readonly call: CommandUrl;
  readonly subject: string;
  /** The canary's own Service the command should call instead. */
  readonly suggestion: () => string;
}

/** Why a request that reaches the canary's routes still gets no canary traffic: Blue/Green without mirroring, or no A/B header. */
function strategyProblem({ canary, call }: Call, path: string): string | undefined {
  const { strategy, mirror } = canary.settings;
  if (strategy === 'blue-green' && !mirror) {
    return `${path}, and during a Blue/Green analysis (iterations without match or mirror) Flagger routes no traffic to the canary until it promotes, `
      + 'so the request reaches the primary only';
  }
  if (strategy === 'ab-testing' && matchesAbRoute(canary, call.headers, call.defaultHeaders) === false) {
    return `${path}, but the A/B analysis routes to the canary only the requests that match analysis.match, and the command sends none of its headers or cookies`;
  }
  return undefined;
}

function severityFor(canary: CanaryView): Severity {
  return providerIsKnown(canary.providerInfo) ? info.severity : 'warning';
}

function checkApex(context: LintContext, c: Call, resolved: ServiceResolution): Report[] {
  const { canary } = c;
  const notSplit = apexNotSplit(canary);
  if (notSplit) {
    const routes = routedHosts(context.index, canary);
    const host = routes.hosts.find((h) => h !== '*');
    return [report(info, canary.sourced,
      `${c.subject}: that is the apex Service ${resolved.namespace}/${resolved.name}, and under ${providerText(canary.providerInfo)} ${notSplit}, `
      + 'so the canary gets none of these requests.',
      host ? `send the requests through the ingress or gateway with a routed host (${hostFlag(c.call.program, host.replace(/^\*\./, 'app.'))}), or call the canary's Service: ${c.suggestion()}`
        : `call the canary's Service: ${c.suggestion()}`,
      severityFor(canary))];
  }
  const problem = strategyProblem(c, `that is the apex Service ${resolved.namespace}/${resolved.name}`);
  if (problem) return [report(info, canary.sourced, `${c.subject}: ${problem}.`, `call the canary's Service: ${c.suggestion()}`)];
  return [];
}

function checkPorts(c: Call, resolved: ServiceResolution): Report[] {
  const { canary, call: { url } } = c;
  const ports = canaryServicePorts(canary);
  if (ports.length > 0 && !ports.includes(url.effectivePort)) {
    const portWord = url.port === undefined ? `the ${url.scheme} default port ${url.effectivePort}` : `port ${url.effectivePort}`;
    return [report(info, canary.sourced,
      `${c.subject}: it uses ${portWord}, but Flagger exposes ${resolved.namespace}/${resolved.name} on service.port ${canary.port}.`,
      `use ${withHost({ ...url, scheme: url.scheme === 'https' && portProtocol(resolved, canary.port!) === 'plain' ? 'http' : url.scheme }, url.host, canary.port)}`)];
  }
  const tls = tlsMismatch(url, resolved);
  return tls ? [report(info, canary.sourced, `${c.subject}: ${tls}.`, `use ${withHost({ ...url, scheme: 'http' }, url.host, url.effectivePort)}`)] : [];
}

/** A request to an ingress or gateway: it reaches the canary when its host is routed to it. */
function checkThroughGateway(c: Call, resolved: ServiceResolution, routes: RoutedHosts): Report[] {
  const { canary, call } = c;
  const host = call.hostHeader ?? call.url.host;
  if (routes.known && !routes.hosts.some((pattern) => hostMatches(pattern, host))) {
    const sent = call.hostHeader ? `the Host header ${call.hostHeader}` : `no Host header, so the gateway sees the host ${call.url.host}`;
    return [report(info, canary.sourced,
      `${c.subject}: an ingress or gateway routes by the Host header, and the command sends ${sent}, `
      + `which is not a host routed to Canary ${canary.namespace}/${canary.name} (routed hosts: ${routesText(routes)}).`,
      routes.hosts.length && routes.hosts[0] !== '*'
        ? `send one of its hosts, e.g. ${hostFlag(call.program, routes.hosts[0].replace(/^\*\./, 'app.'))}, or call the canary's Service directly: ${c.suggestion()}`
        : `call the canary's Service directly: ${c.suggestion()}`,
      severityFor(canary))];
  }
  const problem = strategyProblem(c, `that goes through the ingress or gateway ${resolved.namespace}/${resolved.name}`);
  if (problem) return [report(info, canary.sourced, `${c.subject}: ${problem}.`, `call the canary's Service: ${c.suggestion()}`)];
  if (resolved.service && !resolved.anyPort && !resolved.ports.includes(call.url.effectivePort)) {
    return [report(info, canary.sourced,
      `${c.subject}: the ingress gateway Service ${resolved.namespace}/${resolved.name} does not expose port ${call.url.effectivePort} (ports: ${resolved.ports.join(', ')}).`,
      `use ${withHost(call.url, call.url.host, resolved.ports[0])}`)];
  }
  return [];
}

function checkOther(context: LintContext, c: Call, resolved: ServiceResolution, own: readonly string[]): Report[] {
  const { index } = context;
  const { canary, call } = c;
  const routes = routedHosts(index, canary);
  const isGateway = resolved.service ? isGatewayService(index, resolved.service) : !resolved.generated && hasGateway(index, resolved.namespace);
  const inManifests = Boolean(resolved.service || resolved.generated);
  // The kubernetes provider has no router: only the canary's own Service reaches its pods.
  if (canary.providerInfo.family === 'kubernetes' && LOAD_GENERATORS.has(call.program)) {
    return [report(info, canary.sourced,
      `${c.subject}: under ${providerText(canary.providerInfo)} only ${canary.namespace}/${canary.canaryService} reaches the canary's pods; `
      + `${resolved.namespace}/${resolved.name} never does, whatever routes it.`, `call the canary's Service: ${c.suggestion()}`, severityFor(canary))];
  }
  const typo = resolved.namespace === canary.namespace && closest(resolved.name, own) !== undefined;
  if (!typo && (call.hostHeader !== undefined || isGateway || (!inManifests && routes.known && routes.hosts.some((p) => hostMatches(p, call.url.host))))) {
    return checkThroughGateway(c, resolved, routes);
  }
  let why: string;
  if (own.includes(resolved.name) && resolved.bare) {
    why = `the command runs in the loadtester pod, so the short host "${resolved.name}" resolves in the loadtester's namespace ${resolved.namespace}, `
      + `not in the canary's namespace ${canary.namespace}`;
  } else if (own.includes(resolved.name)) {
    why = `that is ${resolved.namespace}/${resolved.name}, but Canary ${canary.name} is in namespace ${canary.namespace}`;
  } else {
    why = `that is Service ${resolved.namespace}/${resolved.name}, which is ${inManifests ? 'not' : 'neither'} one of this canary's Services `
      + `(${own.join(', ')} in ${canary.namespace})${inManifests ? '' : ' nor in the manifests'}`;
  }
  const message = `${c.subject}: ${why}.`;
  const hint = `did you mean ${c.suggestion()} ?`;
  if (inManifests || typo || own.includes(resolved.name)) return [report(info, canary.sourced, message, hint)];
  // A Service that is not in the manifests: an ingress installed elsewhere, or a typo.
  if (routes.known) {
    return [report(info, canary.sourced, `${message} Were it an ingress gateway, it would see the host ${call.url.host}, which is not routed to the canary either `
      + `(routed hosts: ${routesText(routes)}).`, hint)];
  }
  return reportMissing(context.presence, info, canary.sourced, { kind: 'Service', namespace: resolved.namespace, name: resolved.name, nearMiss: typo }, message, hint);
}

function check(canary: CanaryView, context: LintContext): Report[] {
  // With a targetRef that names no workload, the canary's Service names are likely wrong too: target-ref-invalid says so.
  if (!canary.apex || !canary.apexTrusted || canary.skipAnalysis) return [];
  const { index } = context;
  const reports: Report[] = [];
  const own = [canary.canaryService, canary.apex, canary.primaryService];
  for (const hook of canary.webhooks) {
    if (hook.cmd === undefined || !ANALYSIS_HOOKS.has(hook.type)) continue;
    const base = commandNamespace(index, canary, hook);
    for (const call of commandUrls(hook.commands)) {
      const { url, program } = call;
      const resolved = resolveHost(index, url.host, base);
      if (resolved.kind === 'external') continue;
      const suggestion = () => withHost(url, hostLike(url.host, canary.canaryService, canary.namespace), canary.port ?? url.port);
      const c: Call = { canary, hook, call, subject: `webhook "${hook.name}" runs ${program} against ${url.text}`, suggestion };
      if (resolved.kind === 'loopback') {
        reports.push(report(info, canary.sourced,
          `${c.subject}: the command runs in the loadtester pod, where ${url.host} is the loadtester itself, not Canary ${canary.namespace}/${canary.name}.`,
          `call the canary's Service instead: ${suggestion()}`));
        continue;
      }
      const isOwn = resolved.namespace === canary.namespace && own.includes(resolved.name);
      if (!isOwn) {
        reports.push(...checkOther(context, c, resolved, own));
        continue;
      }
      if (resolved.name === canary.primaryService && resolved.name !== canary.apex) {
        reports.push(report(info, canary.sourced,
          `${c.subject}: that is the primary Service ${resolved.namespace}/${resolved.name}, which selects the pods of the version in production, never the canary's.`,
          `call the canary's Service: ${suggestion()}`));
        continue;
      }
      const routing = resolved.name === canary.apex ? checkApex(context, c, resolved) : [];
      reports.push(...(routing.length > 0 ? routing : checkPorts(c, resolved)));
    }
  }
  return reports;
}

export const commandWrongService: RuleSet = canaryRules([info], check);
