import * as fs from 'fs';
import * as path from 'path';
import { RENAMED, gatewayRoutedManifests, renamedManifests, tutorialManifests, withoutLoadTesterManifests } from './manifests';
import { Sandbox, SandboxOptions } from './sandbox';

// setup.sh keeps no copy of the constructs' defaults: it reads the namespace, the Canary, its target,
// container, image, port, Flagger's canary Service, the load tester and the public host from dist/.

const sandboxes: Sandbox[] = [];
function sandbox(options?: SandboxOptions): Sandbox {
  const created = new Sandbox(options);
  sandboxes.push(created);
  return created;
}
afterEach(() => {
  while (sandboxes.length > 0) sandboxes.pop()!.cleanup();
});

const CONTEXT = 'kind-istio-flagger';
const CLUSTER = { STUB_KIND_CLUSTERS: 'istio-flagger' };
const FAULTS_SCRIPT = 'for path in status/500 delay/1; do nohup hey -z "$1" -c 2 -q 5 "$2/$path" >/dev/null 2>&1 & done';
const kc = (args: string) => `kubectl --context ${CONTEXT} ${args}`;

describe('setup.sh takes the app from dist/', () => {
  const renamed = renamedManifests();

  test('up drives the pieces by the names, port and host the constructs gave them', () => {
    // GIVEN an app whose namespace, Deployment, load tester and host are not the tutorial's
    const box = sandbox({ manifests: renamed });

    // WHEN the user runs ./setup.sh
    const result = box.run([], { STUB_CANARY_PHASES: 'Initializing Initialized' });

    // THEN every step uses them
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.calls).toEqual(expect.arrayContaining([
      kc(`create namespace ${RENAMED.namespace} --save-config`),
      kc(`label namespace ${RENAMED.namespace} istio-injection=enabled --overwrite`),
      kc(`-n ${RENAMED.namespace} rollout status deployment/${RENAMED.deployment} --timeout=300s`),
      kc(`-n ${RENAMED.namespace} rollout status deployment/${RENAMED.loadTester} --timeout=300s`),
    ]));
    expect(result.calls.filter((call) => call.includes(' get canary '))[0])
      .toMatch(new RegExp(`^${kc(`-n ${RENAMED.namespace} get canary ${RENAMED.deployment} `)}`));
    expect(result.stdout).toContain(`dist/: Canary ${RENAMED.namespace}/${RENAMED.deployment} of Deployment ${RENAMED.deployment} (container ${RENAMED.container}, port ${RENAMED.port}), load tester ${RENAMED.namespace}/${RENAMED.loadTester}, host ${RENAMED.host}`);
    expect(result.stdout).toContain(`curl -H 'Host: ${RENAMED.host}' http://localhost:8080/`);
    expect(result.calls.join('\n')).not.toMatch(/\btest\b|podinfo-|flagger-loadtester|app\.example\.com/);
  });

  test("trigger sets the tag on the target's container, keeping its registry and repository", () => {
    const result = sandbox({ synthesized: true, manifests: renamed }).run(['trigger'], { ...CLUSTER, STUB_CANARY_PHASES: 'Initialized' });

    expect(result.status).toBe(0);
    expect(result.calls).toContain(kc(`-n ${RENAMED.namespace} set image deployment/${RENAMED.deployment} ${RENAMED.container}=${RENAMED.image}:6.0.2`));
  });

  test("fail sends the faults from the app's load tester to Flagger's canary Service on the Canary's port", () => {
    const result = sandbox({ synthesized: true, manifests: renamed }).run(['fail'], {
      ...CLUSTER, STUB_CANARY_PHASES: 'Succeeded Succeeded Progressing|0|0 Failed|0|5',
    });

    expect(result.status).toBe(0);
    expect(result.calls).toContain(kc(`-n ${RENAMED.namespace} rollout restart deployment/${RENAMED.deployment}`));
    expect(result.calls).toContain(kc(`-n ${RENAMED.namespace} exec deployment/${RENAMED.loadTester} -- sh -c ${FAULTS_SCRIPT} sh 10m http://${RENAMED.deployment}-canary.${RENAMED.namespace}:${RENAMED.port}`));
  });

  test('status shows the public host of the root VirtualService', () => {
    const result = sandbox({ synthesized: true, manifests: renamed }).run(['status'], { ...CLUSTER, STUB_CANARY_PHASES: 'Initialized', STUB_DOCKER_PORT: '8080' });

    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`Canary    ${RENAMED.namespace}/${RENAMED.deployment}: phase Initialized`);
    expect(result.stdout).toContain(`curl -H 'Host: ${RENAMED.host}' http://localhost:8080/`);
  });

  test("in the tutorial's gateway routing the host comes from the Canary", () => {
    const result = sandbox({ synthesized: true, manifests: gatewayRoutedManifests('gw.example.net') })
      .run(['status'], { ...CLUSTER, STUB_CANARY_PHASES: 'Initialized', STUB_DOCKER_PORT: '8080' });

    expect(result.status).toBe(0);
    expect(result.stdout).toContain("curl -H 'Host: gw.example.net' http://localhost:8080/");
  });

  test('an environment variable overrides dist/', () => {
    const result = sandbox({ synthesized: true }).run(['fail'], {
      ...CLUSTER, STUB_CANARY_PHASES: 'Succeeded Progressing|0|0 Failed|0|5', PODINFO_PORT: '8080', LOADTESTER_NAME: 'my-tester',
    });

    expect(result.status).toBe(0);
    expect(result.calls).toContain(kc(`-n test exec deployment/my-tester -- sh -c ${FAULTS_SCRIPT} sh 10m http://podinfo-canary.test:8080`));
  });

  test('with several Canaries, APP_NAMESPACE and CANARY_NAME pick one; without them it stops and says so', () => {
    const both = `${tutorialManifests()}---\n${renamed}`;

    const ambiguous = sandbox({ synthesized: true, manifests: both }).run(['watch'], { ...CLUSTER, STUB_CANARY_PHASES: 'Succeeded' });
    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stderr).toBe('setup.sh: dist/ holds 2 Canaries (test/podinfo, shop/web); set APP_NAMESPACE and CANARY_NAME to pick one.\n');
    expect(ambiguous.calls.filter((call) => call.includes(' get canary '))).toEqual([]);

    const picked = sandbox({ synthesized: true, manifests: both }).run(['trigger'], {
      ...CLUSTER, STUB_CANARY_PHASES: 'Initialized', APP_NAMESPACE: RENAMED.namespace, CANARY_NAME: RENAMED.deployment,
    });
    expect(picked.status).toBe(0);
    expect(picked.calls).toContain(kc(`-n shop set image deployment/web podinfod=${RENAMED.image}:6.0.2`));

    const absent = sandbox({ synthesized: true, manifests: both }).run(['watch'], { ...CLUSTER, APP_NAMESPACE: 'prod' });
    expect(absent.status).toBe(2);
    expect(absent.stderr).toBe('setup.sh: dist/ holds no Flagger Canary named prod/* (APP_NAMESPACE/CANARY_NAME).\n');
  });

  test('a value in dist/ is checked like a setting, and the message names the file and the field', () => {
    const cases: Array<[string, string]> = [
      [tutorialManifests().replace('name: podinfod', 'name: "pod\\e]0;x\\ad"'),
        "setup.sh: PODINFO_CONTAINER is 'pod\\x1b]0;x\\x07d' in dist/app.k8s.yaml (Deployment test/podinfo container pod\\x1b]0;x\\x07d), but it must be a DNS-1123 label"],
      [tutorialManifests().replace(/namespace: test$/gm, 'namespace: -A'),
        "setup.sh: APP_NAMESPACE is '-A' in dist/app.k8s.yaml (Canary -A/podinfo metadata.namespace), but it must be a DNS-1123 label"],
      [tutorialManifests().replace('port: 9898\n    targetPort: 9898', 'port: 99999\n    targetPort: 9898'),
        "setup.sh: PODINFO_PORT is '99999' in dist/app.k8s.yaml (Canary test/podinfo spec.service.port), but it must be a port number from 1 to 65535"],
    ];
    for (const [manifests, message] of cases) {
      // GIVEN dist/ with a hostile or impossible value, WHEN up has synthesized it
      const result = sandbox({ manifests }).run([], { STUB_CANARY_PHASES: 'Initialized' });

      // THEN it stops with exit 2 before any cluster is touched
      expect({ message, status: result.status }).toEqual({ message, status: 2 });
      expect(result.stderr).toContain(message);
      expect(result.stderr).toMatch(/; fix the app or set [A-Z_]+\.\n$/);
      expect(result.calls.filter((call) => /^(kind|kubectl) |^istioctl install/.test(call))).toEqual([]);
    }
  });

  test('without a load tester in dist/, up names the setting it needs; watch does not need it', () => {
    const manifests = withoutLoadTesterManifests();

    const up = sandbox({ manifests }).run([], { STUB_CANARY_PHASES: 'Initialized' });
    expect(up.status).toBe(2);
    expect(up.stderr).toBe('setup.sh: LOADTESTER_NAME is not set and dist/ does not tell it: no webhook URL of Canary test/podinfo names a Service in dist/ with a Deployment behind it; set LOADTESTER_NAME.\n');
    expect(up.calls.filter((call) => /^(kind|kubectl) /.test(call))).toEqual([]);

    const watch = sandbox({ synthesized: true, manifests }).run(['watch'], { ...CLUSTER, STUB_CANARY_PHASES: 'Progressing|0|0 Succeeded|0|0' });
    expect(watch.status).toBe(0);
  });

  test('without dist/ the commands that need it exit 2 and say how to make it', () => {
    for (const command of ['trigger', 'watch', 'fail', 'status']) {
      const result = sandbox({ nodeModules: true }).run([command], { ...CLUSTER, STUB_CANARY_PHASES: 'Initialized' });

      expect({ command, status: result.status }).toEqual({ command, status: 2 });
      expect(result.stderr).toBe('setup.sh: dist/ holds no manifests; run ./setup.sh up (or npm run synth) first.\n');
      expect(result.calls.filter((call) => / (get canary|set image|exec|rollout) /.test(call))).toEqual([]);
    }
  });

  test('without node_modules it says to run npm ci', () => {
    const box = sandbox({ synthesized: true });
    fs.unlinkSync(path.join(box.project, 'node_modules'));

    const result = box.run(['watch'], CLUSTER);

    expect(result.status).toBe(2);
    expect(result.stderr).toBe(`setup.sh: cannot read dist/: the yaml package is missing from ${box.project}/node_modules; run npm ci.\n`);
  });

  test('when every name is set, dist/ is not needed', () => {
    const result = sandbox().run(['watch'], {
      ...CLUSTER, STUB_CANARY_PHASES: 'Progressing|0|0 Succeeded|0|0', APP_NAMESPACE: 'test', CANARY_NAME: 'podinfo', PODINFO_DEPLOYMENT: 'podinfo',
    });

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
