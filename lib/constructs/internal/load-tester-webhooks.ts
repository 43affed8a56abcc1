import { Duration } from 'cdk8s';
import { CanaryWebhookConfig, CanaryWebhookContext, ICanaryWebhook, WebhookType } from '../canary-webhook';
import {
  AcceptanceTestOptions, LoadTestOptions, LoadTestRoute, LoadTesterCommandOptions, LoadTesterGateOptions, LoadTesterRollbackGateOptions,
} from '../load-tester-options';
import { apexServiceUrl, canaryServiceUrl, checkPath } from './urls';
import { canaryDuration, checkDnsLabel, checkInteger, goDuration, invalidProp } from './validate';

// The webhooks that call Flagger's loadtester, shared by the LoadTester construct and the
// references to a loadtester another team runs (LoadTester.fromUrl / fromService).

/** What the webhook builders need to know about a loadtester. */
export interface LoadTesterEndpoint {
  /** Base URL, ending in "/". */
  readonly url: string;
  /** Path of the loadtester construct, for messages. */
  readonly path: string;
  /** The namespaces whose Canaries it serves (`-namespace-regexp`), when known. */
  readonly canaryNamespaces?: readonly string[];
}

/** The gate paths a confirm webhook may call (LoadTesterGate). */
const GATE_PATHS = ['/gate/check', '/gate/approve', '/gate/halt'];

/** Webhook types the gate paths fit. */
const GATE_TYPES = [WebhookType.CONFIRM_ROLLOUT, WebhookType.CONFIRM_TRAFFIC_INCREASE, WebhookType.CONFIRM_PROMOTION];

function webhook(tester: LoadTesterEndpoint, bind: (context: CanaryWebhookContext) => CanaryWebhookConfig[]): ICanaryWebhook {
  return {
    bind: (context) => {
      checkServed(tester, context);
      return bind(context);
    },
  };
}

/** The loadtester answers 403 to a Canary outside its `-namespace-regexp`: refuse that at construction. */
function checkServed(tester: LoadTesterEndpoint, context: CanaryWebhookContext): void {
  const served = tester.canaryNamespaces;
  if (served && !served.includes(context.namespace)) {
    throw invalidProp(context.scope, 'webhooks', tester.url,
      `${tester.path} serves Canaries in ${served.join(', ')} only (-namespace-regexp) and would answer 403; add "${context.namespace}" to its canaryNamespaces.`);
  }
}

export function acceptanceTest(tester: LoadTesterEndpoint, options: AcceptanceTestOptions): ICanaryWebhook {
  return webhook(tester, (context) => {
    const field = 'acceptanceTest';
    const path = checkPath(context.scope, `${field}.path`, options.path ?? '/token');
    const expect = options.expect ?? 'token';
    if (!/^[\w./:-]+$/.test(expect)) {
      throw invalidProp(context.scope, `${field}.expect`, expect, 'use letters, digits and ". / : _ -" only; it is passed to grep.');
    }
    const timeout = options.timeout ?? Duration.seconds(30);
    canaryDuration(context.scope, `${field}.timeout`, timeout);
    return [{
      name: checkDnsLabel(context.scope, `${field}.name`, options.name ?? 'acceptance-test'),
      type: WebhookType.PRE_ROLLOUT,
      url: tester.url,
      timeout,
      metadata: { type: 'bash', cmd: `curl -sd 'test' ${canaryServiceUrl(context, path)} | grep ${expect}` },
    }];
  });
}

export function loadTest(tester: LoadTesterEndpoint, options: LoadTestOptions): ICanaryWebhook {
  return webhook(tester, (context) => {
    const field = 'loadTest';
    const scope = context.scope;
    const path = checkPath(scope, `${field}.path`, options.path ?? '/');
    const rate = checkInteger(scope, `${field}.requestsPerSecond`, options.requestsPerSecond ?? 10, 1, 10_000);
    const concurrency = checkInteger(scope, `${field}.concurrency`, options.concurrency ?? 2, 1, 1_000);
    const interval = context.interval.toSeconds();
    const duration = options.duration ?? Duration.seconds(Math.max(2 * interval - 5, interval + 1));
    if (duration.toSeconds() <= interval) {
      throw invalidProp(scope, `${field}.duration`, duration,
        `it must be longer than the analysis interval (${interval}s), or the metric windows go without traffic; omit it for ${2 * interval - 5}s.`);
    }
    const name = checkDnsLabel(scope, `${field}.name`, options.name ?? 'load-test');
    const route = options.route ?? LoadTestRoute.CANARY_SERVICE;
    if (!Object.values(LoadTestRoute).includes(route)) {
      throw invalidProp(scope, `${field}.route`, route, 'use LoadTestRoute.CANARY_SERVICE or LoadTestRoute.APEX_SERVICE.');
    }
    const url = route === LoadTestRoute.APEX_SERVICE ? apexServiceUrl(context, path) : canaryServiceUrl(context, path);
    const headers = Object.entries(options.headers ?? {}).map(([header, value]) => {
      // The command runs in a shell: keep each header inside its single quotes.
      if (!/^[A-Za-z0-9-]+$/.test(header)) throw invalidProp(scope, `${field}.headers`, header, 'use a header name of letters, digits and "-".');
      if (typeof value !== 'string' || !/^[\w .,;=/:+*@()-]*$/.test(value)) {
        throw invalidProp(scope, `${field}.headers["${header}"]`, value, 'use letters, digits, spaces and . , ; = / : + * @ ( ) _ - only; it is passed to a shell.');
      }
      return `-H '${header}: ${value}' `;
    }).join('');
    const metadata = {
      cmd: `hey -z ${goDuration(scope, `${field}.duration`, duration)} -q ${rate} -c ${concurrency} ${headers}${url}`,
      logCmdOutput: 'true',
    };
    const timeout = options.timeout ?? Duration.seconds(5);
    canaryDuration(scope, `${field}.timeout`, timeout);
    const load: CanaryWebhookConfig = { name, type: WebhookType.ROLLOUT, url: tester.url, timeout, metadata };
    if (options.warmUp === false) return [load];
    const warmUp = { ...load, name: checkDnsLabel(scope, `${field}.name`, `${name}-warmup`), type: WebhookType.PRE_ROLLOUT };
    return [warmUp, load];
  });
}

export function gate(tester: LoadTesterEndpoint, type: WebhookType, options: LoadTesterGateOptions, gatePath: string, defaultName: string): ICanaryWebhook {
  return webhook(tester, (context) => {
    if (!GATE_PATHS.includes(gatePath)) {
      throw invalidProp(context.scope, 'gate.gate', gatePath, 'use LoadTesterGate.CHECK, APPROVE or HALT; /gate/open and /gate/close are what an operator calls (LoadTesterGateAction), not webhook targets.');
    }
    if (!GATE_TYPES.includes(type)) {
      throw invalidProp(context.scope, 'webhooks', type, 'the loadtester\'s gates answer confirm-rollout, confirm-traffic-increase and confirm-promotion webhooks.');
    }
    return [{
      name: checkDnsLabel(context.scope, 'gate.name', options.name ?? defaultName),
      type,
      url: `${tester.url}${gatePath.slice(1)}`,
      muteAlert: options.muteAlert,
      timeout: options.timeout,
    }];
  });
}

export function rollbackGate(tester: LoadTesterEndpoint, options: LoadTesterRollbackGateOptions): ICanaryWebhook {
  return webhook(tester, (context) => [{
    name: checkDnsLabel(context.scope, 'rollbackGate.name', options.name ?? 'rollback-gate'),
    type: WebhookType.ROLLBACK,
    url: `${tester.url}rollback/check`,
    timeout: options.timeout,
  }]);
}

const COMMAND_TYPES = ['cmd', 'bash', 'helmv3', 'kubectl'];
const BLOCKING_COMMAND_TYPES = ['bash', 'helmv3', 'kubectl'];

export function command(tester: LoadTesterEndpoint, type: WebhookType, options: LoadTesterCommandOptions): ICanaryWebhook {
  return webhook(tester, (context) => {
    const field = `webhooks["${options?.name}"]`;
    const scope = context.scope;
    if (typeof options?.command !== 'string' || options.command.trim() === '' || /[\r\n]/.test(options.command)) {
      throw invalidProp(scope, `${field}.command`, options?.command, 'give one command line, e.g. "hey -z 1m -q 5 -c 2 http://podinfo-canary.test:9898/".');
    }
    const runner = options.runner ?? 'cmd';
    if (!COMMAND_TYPES.includes(runner)) {
      throw invalidProp(scope, `${field}.runner`, runner, 'use a LoadTesterRunner: CMD, BASH, HELM_V3 or KUBECTL.');
    }
    if (options.returnOutput && !BLOCKING_COMMAND_TYPES.includes(runner)) {
      throw invalidProp(scope, `${field}.returnOutput`, true, 'the loadtester returns output only from blocking runners (BASH, HELM_V3, KUBECTL); CMD runs in the background.');
    }
    const metadata: Record<string, string> = { type: runner, cmd: options.command };
    if (runner === 'cmd' && options.logOutput !== false) metadata.logCmdOutput = 'true';
    if (options.returnOutput) metadata.returnCmdOutput = 'true';
    return [{
      name: checkDnsLabel(scope, `${field}.name`, options.name),
      type,
      url: tester.url,
      timeout: options.timeout,
      metadata,
    }];
  });
}
