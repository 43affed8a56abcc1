import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { flaggerLog, indexOfCall, RunResult, Sandbox, SandboxOptions, SETUP_SH, STUBS_DIR } from './sandbox';

// The real setup.sh runs against stub docker, kind, kubectl, istioctl, npm and git (test/setup/stubs/),
// with a PATH that holds nothing else of the machine but a few core utilities and node.

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
/** The script `fail` runs in the load tester pod with `sh -c`, the duration and the URL as its arguments. */
const FAULTS_SCRIPT = 'for path in status/500 delay/1; do nohup hey -z "$1" -c 2 -q 5 "$2/$path" >/dev/null 2>&1 & done';
/** Phases of a Canary that Flagger initializes on the second poll. */
const INITIALIZING = { STUB_CANARY_PHASES: 'Initializing Initialized' };

function kubectlCalls(result: RunResult): string[] {
  return result.calls.filter((call) => call.startsWith('kubectl '));
}

describe('setup.sh up', () => {
  test('runs the steps in order, from prerequisites to the initialized canary', () => {
    // GIVEN a machine with every tool and no cluster yet
    const box = sandbox();

    // WHEN the user runs ./setup.sh
    const result = box.run([], INITIALIZING);

    // THEN it succeeds, and the tools were called in the order of the steps
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const expectedOrder = [
      /^docker info$/,
      /^istioctl version --remote=false$/,
      /^npm ci\b/,
      /^npm run synth$/,
      /^kind get clusters$/,
      /^kind create cluster --name istio-flagger .*--config=-$/,
      /^istioctl install --context kind-istio-flagger -y -f -$/,
      / -n istio-system rollout status deployment\/istiod /,
      / -n istio-system rollout status deployment\/istio-ingressgateway /,
      / apply -f https:\/\/raw\.githubusercontent\.com\/istio\/istio\/release-1\.29\/samples\/addons\/prometheus\.yaml$/,
      / -n istio-system rollout status deployment\/prometheus /,
      / apply -k github\.com\/fluxcd\/flagger\/\/kustomize\/istio\?ref=v1\.44\.0$/,
      / wait --for=condition=Established crd\/canaries\.flagger\.app /,
      / -n istio-system rollout status deployment\/flagger /,
      / create namespace test /,
      / label namespace test istio-injection=enabled --overwrite$/,
      / apply --dry-run=server -f dist\/$/,
      / apply -f dist\/$/,
      / -n test rollout status deployment\/podinfo /,
      / -n test rollout status deployment\/flagger-loadtester /,
      / -n test get canary podinfo /,
    ];
    const positions = expectedOrder.map((pattern) => indexOfCall(result.calls, pattern));
    positions.forEach((position, index) => expect({ step: String(expectedOrder[index]), position })
      .not.toEqual({ step: String(expectedOrder[index]), position: -1 }));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));

    // AND every step announced itself, numbered, in the same order
    const titles = [...result.stdout.matchAll(/^==> \[(\d+)\/11\] (.*)$/gm)];
    expect(titles.map((match) => Number(match[1]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(titles.map((match) => match[2].split(' ')[0])).toEqual([
      'Check', 'Synthesize', 'Create', 'Install', 'Install', 'Install', 'Create', 'Validate', 'Apply', 'Wait', 'Wait',
    ]);
    expect(result.stdout).toContain("curl -H 'Host: app.example.com' http://localhost:8080/");
    expect(result.stdout).toContain('./setup.sh trigger');
    expect(result.stdout).toContain('./setup.sh watch');
    expect(result.stdout).toContain('./setup.sh fail');
  });

  test('maps the ingress port to the gateway NodePort, and enables VirtualService delegation', () => {
    // GIVEN another host port
    const box = sandbox();

    // WHEN the cluster is created with INGRESS_PORT=9090
    const result = box.run([], { ...INITIALIZING, INGRESS_PORT: '9090' });

    // THEN kind maps localhost:9090 to the NodePort that Istio gives the gateway's http2 port
    expect(result.status).toBe(0);
    const kindConfig = box.saved('kind-config.yaml');
    expect(kindConfig).toMatch(/containerPort: 30080\s+hostPort: 9090\s+listenAddress: "127\.0\.0\.1"/);
    const operator = box.saved('istio-operator.yaml');
    expect(operator).toMatch(/profile: default/);
    expect(operator).toMatch(/PILOT_ENABLE_VIRTUAL_SERVICE_DELEGATE: "true"/);
    expect(operator).toMatch(/type: NodePort/);
    expect(operator).toMatch(/name: http2\s+port: 80\s+targetPort: 8080\s+nodePort: 30080/);
    // AND the printed URL uses that port
    expect(result.stdout).toContain("curl -H 'Host: app.example.com' http://localhost:9090/");
  });

  test('talks to the cluster only through its own kubectl context', () => {
    // GIVEN a cluster name of the user's choice
    const box = sandbox();

    // WHEN setup.sh brings it up
    const result = box.run([], { ...INITIALIZING, CLUSTER_NAME: 'demo' });

    // THEN every kubectl and istioctl call that reaches a cluster names kind-demo
    expect(result.status).toBe(0);
    expect(result.calls).toContainEqual(expect.stringMatching(/^kind create cluster --name demo /));
    const clusterCalls = result.calls.filter((call) => /^(kubectl|istioctl install)/.test(call));
    expect(clusterCalls.length).toBeGreaterThan(10);
    for (const call of clusterCalls) expect(call).toMatch(/ --context kind-demo /);
  });

  test('derives the Prometheus addon release from the istioctl found', () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ STUB_ISTIOCTL_VERSION: '1.29.2' }, 'release-1.29'],
      [{ STUB_ISTIOCTL_VERSION_OUTPUT: 'client version: 1.30.0' }, 'release-1.30'],
      [{ STUB_ISTIOCTL_VERSION: '1.8.6' }, 'release-1.8'],
      [{ STUB_ISTIOCTL_VERSION: '1.29.2', ISTIO_RELEASE: 'master' }, 'master'],
    ];
    for (const [env, release] of cases) {
      // GIVEN istioctl of some version, WHEN setup.sh installs the addon
      const result = sandbox().run([], { ...INITIALIZING, ...env });

      // THEN the addon comes from that release's branch
      expect(result.status).toBe(0);
      const addons = result.calls.filter((call) => call.includes('samples/addons/prometheus.yaml'));
      expect(addons).toEqual([
        `kubectl --context ${CONTEXT} apply -f https://raw.githubusercontent.com/istio/istio/${release}/samples/addons/prometheus.yaml`,
      ]);
    }
  });

  test('warns that a kind older than v0.24.0 does not enforce NetworkPolicy, and carries on', () => {
    // GIVEN kind v0.23.0, whose default CNI ignores NetworkPolicy (v0.24.0 and newer enforce it)
    const old = sandbox().run([], { ...INITIALIZING, STUB_KIND_VERSION: 'v0.23.0' });

    // THEN up still succeeds, and says what that means for the load tester's lock-down
    expect(old.status).toBe(0);
    expect(old.stderr).toBe('warning: kind v0.23 does not enforce NetworkPolicy (kind v0.24.0 and newer do): the cluster accepts the load tester\'s NetworkPolicy in dist/ but ignores it. Everything else works.\n');

    // AND a newer kind gets no warning
    for (const version of ['v0.24.0', 'v0.33.0']) {
      expect(sandbox().run([], { ...INITIALIZING, STUB_KIND_VERSION: version }).stderr).toBe('');
    }
  });

  test('stops before changing anything when istioctl prints no version', () => {
    // GIVEN an istioctl whose version cannot be read
    const box = sandbox();

    // WHEN setup.sh checks the prerequisites
    const result = box.run([], { STUB_ISTIOCTL_VERSION_OUTPUT: 'Error: unknown flag' });

    // THEN it names istioctl and the override, and creates nothing
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/istioctl: 'istioctl version --remote=false' did not print a version/);
    expect(result.stderr).toContain('ISTIO_RELEASE');
    expect(result.calls.filter((call) => /^(kind|npm) /.test(call))).toEqual([]);
  });
});

describe('setup.sh up: prerequisites', () => {
  /** The only calls allowed before the prerequisites are known to be present. */
  const PROBES = [/^docker info$/, /^istioctl version --remote=false$/, /^node --version$/];
  const onlyProbes = (result: RunResult) => result.calls.filter((call) => !PROBES.some((probe) => probe.test(call)));

  const whereToGet: Record<string, string> = {
    docker: 'https://docs.docker.com/get-docker/',
    kind: 'https://kind.sigs.k8s.io/',
    kubectl: 'https://kubernetes.io/docs/tasks/tools/',
    istioctl: 'https://istio.io/latest/docs/setup/getting-started/#download',
    node: 'https://nodejs.org/',
    npm: 'https://nodejs.org/',
    git: 'https://git-scm.com/',
  };

  test.each(Object.keys(whereToGet))('names a missing %s with where to get it, and runs nothing else', (tool) => {
    // GIVEN a machine without the tool
    const box = sandbox({ missing: [tool as 'docker'] });

    // WHEN the user runs ./setup.sh
    const result = box.run([]);

    // THEN it fails naming the tool and where to get it, before any step that changes something
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('nothing was changed');
    expect(result.stderr).toMatch(new RegExp(`- ${tool}: not found\\. Get it from ${whereToGet[tool].replace(/[.?]/g, '\\$&')}`));
    expect(onlyProbes(result)).toEqual([]);
    expect(result.stdout).not.toContain('[2/11]');
    expect(fs.readdirSync(box.project)).toEqual([]);
  });

  test('lists every missing tool at once', () => {
    // GIVEN a machine with none of the tools
    const box = sandbox({ missing: ['docker', 'kind', 'kubectl', 'istioctl', 'node', 'npm', 'git'] });

    // WHEN the user runs ./setup.sh
    const result = box.run([]);

    // THEN all seven are named in one report
    expect(result.status).toBe(1);
    for (const tool of Object.keys(whereToGet)) expect(result.stderr).toContain(`- ${tool}: not found`);
    expect(result.calls).toEqual([]);
  });

  test('reports a Docker engine that is not running', () => {
    // GIVEN docker is installed but its engine is down
    const box = sandbox();

    // WHEN the user runs ./setup.sh
    const result = box.run([], { STUB_DOCKER_DOWN: '1' });

    // THEN it says so, and starts nothing
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/- docker: installed, but the Docker engine is not running/);
    expect(onlyProbes(result)).toEqual([]);
  });

  test('reports a Node.js older than 20', () => {
    // GIVEN node 18 on PATH
    const box = sandbox({ oldNode: true });

    // WHEN the user runs ./setup.sh
    const result = box.run([]);

    // THEN it names the version found and the one needed
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/- node: version 'v18\.19\.0' is too old; 20 or newer is needed/);
    expect(onlyProbes(result)).toEqual([]);
  });

  test('accepts the Node.js running these tests', () => {
    // GIVEN the real node (20 or newer, as package.json requires)
    const box = sandbox();

    // WHEN the user runs ./setup.sh
    const result = box.run([], INITIALIZING);

    // THEN no prerequisite is reported
    expect(result.stderr).not.toContain('prerequisites');
    expect(result.status).toBe(0);
  });
});

describe('setup.sh up: idempotency', () => {
  test('reuses an existing cluster instead of creating it', () => {
    // GIVEN a cluster setup.sh created earlier (its gateway port is mapped)
    const box = sandbox({ nodeModules: true });

    // WHEN the user runs ./setup.sh
    const result = box.run([], { ...INITIALIZING, STUB_KIND_CLUSTERS: 'istio-flagger', STUB_DOCKER_PORT: '8080' });

    // THEN the cluster is checked, not recreated, and node_modules is not reinstalled
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('kind cluster istio-flagger already exists; reusing it');
    expect(result.calls).toContain(`kubectl --context ${CONTEXT} cluster-info`);
    expect(result.calls.filter((call) => call.startsWith('kind create'))).toEqual([]);
    expect(result.calls.filter((call) => call.startsWith('npm ci'))).toEqual([]);
    expect(result.stderr).toBe('');
  });

  test('warns when an existing cluster has no port mapping for the gateway', () => {
    // GIVEN a cluster created by hand, as in the tutorial, without the host port mapping
    const box = sandbox();

    // WHEN the user runs ./setup.sh
    const result = box.run([], { ...INITIALIZING, STUB_KIND_CLUSTERS: 'istio-flagger' });

    // THEN it still succeeds, and says how to reach the gateway anyway
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/maps no host port to NodePort 30080/);
    expect(result.stderr).toContain('port-forward svc/istio-ingressgateway 8080:80');
  });

  test('a second up creates nothing and succeeds', () => {
    // GIVEN a first, complete run
    const box = sandbox();
    const first = box.run([], INITIALIZING);
    expect(first.status).toBe(0);
    expect(first.calls).toContainEqual(expect.stringMatching(/^kind create cluster /));

    // WHEN the user runs ./setup.sh again
    const second = box.run([], INITIALIZING);

    // THEN nothing is created or reinstalled; the declarative applies run again and change nothing
    expect(second.status).toBe(0);
    expect(second.calls.filter((call) => / create /.test(` ${call} `))).toEqual([]);
    expect(second.calls.filter((call) => call.startsWith('npm ci'))).toEqual([]);
    expect(second.calls).toContain(`kubectl --context ${CONTEXT} apply -f dist/`);
    expect(second.stdout).toContain('namespace test already exists');
  });

  test('an up that finds an analysis running or rolled back succeeds and says so', () => {
    const cases: Array<[string, RegExp]> = [
      ['Progressing|10|0', /a canary analysis is running \(Progressing\); follow it with \.\/setup\.sh watch/],
      ['Failed|0|5', /the last canary analysis failed and was rolled back/],
    ];
    for (const [phase, warning] of cases) {
      // GIVEN a canary that is mid-analysis or rolled back, WHEN up runs again
      const result = sandbox().run([], { STUB_CANARY_PHASES: phase, STUB_KIND_CLUSTERS: 'istio-flagger', STUB_DOCKER_PORT: '8080' });

      // THEN the environment counts as ready, with a word about the canary
      expect(result.status).toBe(0);
      expect(result.stderr).toMatch(warning);
    }
  });

  test('writes nothing outside the project', () => {
    // GIVEN an empty project and home
    const box = sandbox();

    // WHEN setup.sh brings everything up
    const result = box.run([], INITIALIZING);

    // THEN only the project's node_modules/ and dist/ appeared, and the home is untouched
    expect(result.status).toBe(0);
    expect(fs.readdirSync(box.project).sort()).toEqual(['dist', 'node_modules']);
    expect(fs.readdirSync(box.home)).toEqual([]);
  });
});

describe('setup.sh up: a failing step stops the run', () => {
  test('names the step and the command to investigate, and runs nothing after it', () => {
    // GIVEN istiod never becomes ready
    const box = sandbox();

    // WHEN the user runs ./setup.sh
    const result = box.run([], { ...INITIALIZING, STUB_FAIL: 'rollout status deployment/istiod' });

    // THEN it stops in the Istio step, says so, and says where to look
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/step "Install Istio 1\.29\.2 \(default profile.*\)" failed: 'kubectl --context kind-istio-flagger -n istio-system rollout status deployment\/istiod --timeout=300s' exited with status 1/);
    expect(result.stderr).toMatch(/Investigate with:\n  kubectl --context kind-istio-flagger -n istio-system get pods; kubectl --context kind-istio-flagger -n istio-system describe deployment istiod istio-ingressgateway\n/);
    expect(result.calls[result.calls.length - 1]).toMatch(/rollout status deployment\/istiod/);
  });

  test('a manifest the API server rejects stops the run before anything is applied', () => {
    // GIVEN dist/ holds something the server-side dry run rejects
    const box = sandbox();

    // WHEN the user runs ./setup.sh
    const result = box.run([], { ...INITIALIZING, STUB_FAIL: 'apply --dry-run=server' });

    // THEN the real apply never happens
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('step "Validate dist/ against the cluster');
    expect(result.calls.filter((call) => call.endsWith(' apply -f dist/'))).toEqual([]);
  });

  test('a synth failure stops the run before any cluster is created', () => {
    // GIVEN the constructs fail to synthesize
    const box = sandbox();

    // WHEN the user runs ./setup.sh
    const result = box.run([], { STUB_FAIL: 'npm run synth' });

    // THEN no kind, istioctl or kubectl call follows
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('step "Synthesize the manifests into dist/');
    expect(result.calls.filter((call) => /^(kind|kubectl) |^istioctl install/.test(call))).toEqual([]);
  });

  test('a synth that writes no manifests is a failure', () => {
    // GIVEN npm run synth succeeds but leaves dist/ empty
    const box = sandbox();

    // WHEN the user runs ./setup.sh
    const result = box.run([], { STUB_SYNTH_EMPTY: '1' });

    // THEN the step fails with what is wrong
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/'npm run synth' left no manifests in .*\/dist\//);
    expect(result.calls.filter((call) => call.startsWith('kind '))).toEqual([]);
  });

  test('a canary that never initializes times out with what it waited for and the explained events', () => {
    // GIVEN Flagger keeps the canary in Initializing, and flagger-doctor is available
    const box = sandbox({ doctor: true });
    const log = box.file('flagger.log', flaggerLog(
      ['podinfo.test', 'VirtualService podinfo.test does not contain routes for podinfo-primary and podinfo-canary'],
      ['other.prod', 'Initialization done! other.prod'],
    ));
    const events = box.file('events.txt', 'LAST SEEN   TYPE      REASON   OBJECT           MESSAGE\n'
      + '10s         Warning   Synced   canary/podinfo   podinfo-primary.test not ready: waiting for rollout to finish\n');

    // WHEN setup.sh waits for the canary with no time left
    const result = box.run([], {
      STUB_CANARY_PHASES: 'Initializing', CANARY_TIMEOUT: '1', STUB_FLAGGER_LOG: log, STUB_EVENTS: events,
    });

    // THEN it names what it waited for, shows this canary's events and log lines, and their explanation
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/timed out after 1s waiting for Canary test\/podinfo to reach phase Initialized \(last phase: Initializing\)/);
    expect(result.calls).toContainEqual(expect.stringMatching(/ -n test get events --field-selector involvedObject\.kind=Canary,involvedObject\.name=podinfo /));
    expect(result.calls).toContainEqual(expect.stringMatching(/ -n istio-system logs deployment\/flagger /));
    expect(result.stdout).toContain('podinfo-primary.test not ready: waiting for rollout to finish');
    expect(result.stdout).toContain('does not contain routes for podinfo-primary');
    expect(result.stdout).not.toContain('other.prod');
    expect(result.calls).toContain(`flagger-doctor explain --manifests ${path.join(box.project, 'dist')}`);
    expect(result.stdout).toMatch(/DOCTOR DIAGNOSIS of \d+ lines/);
  });

  test('without flagger-doctor the timeout shows the raw events and says the explanation is unavailable', () => {
    // GIVEN a project without a working flagger-doctor
    const box = sandbox({ doctor: true });
    const log = box.file('flagger.log', flaggerLog(['podinfo.test', 'Halt advancement podinfo.test']));

    // WHEN the canary wait times out
    const result = box.run([], {
      STUB_CANARY_PHASES: 'Initializing', CANARY_TIMEOUT: '1', STUB_FLAGGER_LOG: log, STUB_DOCTOR_BROKEN: '1',
    });

    // THEN the raw lines are there, and the missing explanation is admitted
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('Halt advancement podinfo.test');
    expect(result.stdout).toContain('flagger-doctor explain is not available here');
  });
});

describe('setup.sh trigger', () => {
  const existing = { STUB_KIND_CLUSTERS: 'istio-flagger', STUB_CANARY_PHASES: 'Initialized' };
  const synthesized = () => sandbox({ synthesized: true });

  test('sets the tutorial image tag 6.0.2 by default', () => {
    const result = synthesized().run(['trigger'], existing);

    expect(result.status).toBe(0);
    expect(result.calls).toContain(
      `kubectl --context ${CONTEXT} -n test set image deployment/podinfo podinfod=ghcr.io/stefanprodan/podinfo:6.0.2`,
    );
    expect(result.stdout).toContain('./setup.sh watch');
  });

  test('sets the tag it is given', () => {
    const result = synthesized().run(['trigger', '6.1.0'], existing);

    expect(result.status).toBe(0);
    expect(result.calls).toContain(
      `kubectl --context ${CONTEXT} -n test set image deployment/podinfo podinfod=ghcr.io/stefanprodan/podinfo:6.1.0`,
    );
  });

  test('says so when the tag is already running, instead of a change Flagger would ignore', () => {
    // GIVEN podinfo already runs 6.0.2
    const result = synthesized().run(['trigger'], { ...existing, STUB_PODINFO_IMAGE: 'ghcr.io/stefanprodan/podinfo:6.0.2' });

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('podinfo already runs ghcr.io/stefanprodan/podinfo:6.0.2');
    expect(result.calls.filter((call) => call.includes('set image'))).toEqual([]);
  });

  test('rejects a malformed tag without touching the cluster', () => {
    const result = synthesized().run(['trigger', 'not a tag;'], existing);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain("'not a tag;' is not a valid image tag");
    expect(result.calls).toEqual([]);
  });

  test('refuses to run without the cluster', () => {
    const result = synthesized().run(['trigger'], { STUB_CANARY_PHASES: 'Initialized' });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain("there is no kubectl context 'kind-istio-flagger'");
    expect(result.calls.filter((call) => call.includes('set image'))).toEqual([]);
  });
});

describe('setup.sh watch', () => {
  const cluster = { STUB_KIND_CLUSTERS: 'istio-flagger' };

  test('follows a promotion and exits 0', () => {
    // GIVEN an analysis that advances and succeeds
    const box = sandbox({ synthesized: true });
    const result = box.run(['watch'], {
      ...cluster, STUB_CANARY_PHASES: 'Progressing|0|0 Progressing|10|0 Progressing|20|1 Promoting|0|0 Succeeded|0|0',
    });

    // THEN each change of phase, weight and failed checks is reported once, in order, and it exits 0
    expect(result.status).toBe(0);
    const reports = [...result.stdout.matchAll(/phase (\S+)\s+weight\s+(\d+)%\s+failed checks (\d+)/g)]
      .map((match) => `${match[1]} ${match[2]} ${match[3]}`);
    expect(reports).toEqual(['Progressing 0 0', 'Progressing 10 0', 'Progressing 20 1', 'Promoting 0 0', 'Succeeded 0 0']);
    expect(result.stdout).toContain('succeeded: the new revision was promoted');
    for (const call of kubectlCalls(result).filter((c) => c.includes(' get canary '))) {
      expect(call).toBe(`kubectl --context ${CONTEXT} -n test get canary podinfo -o jsonpath={.status.phase}{"|"}{.status.canaryWeight}{"|"}{.status.failedChecks}`);
    }
  });

  test('follows a rollback and exits 1 with the explanation', () => {
    // GIVEN an analysis that fails
    const box = sandbox({ synthesized: true, doctor: true });
    const log = box.file('flagger.log', flaggerLog(
      ['podinfo.test', 'Starting canary analysis for podinfo.test'],
      ['podinfo.test', 'Halt podinfo.test advancement success rate 61.00% < 99%'],
      ['podinfo.test', 'Rolling back podinfo.test failed checks threshold reached 5'],
    ));
    const result = box.run(['watch'], {
      ...cluster, STUB_CANARY_PHASES: 'Progressing|10|1 Progressing|10|5 Failed|0|5', STUB_FLAGGER_LOG: log,
    });

    // THEN it exits 1 and explains why
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('failed: Flagger rolled back');
    expect(result.stdout).toMatch(/Why \(flagger-doctor explain\):\nDOCTOR DIAGNOSIS of 3 lines/);
  });

  test("prints each of this canary's Flagger messages once, with flagger-doctor's summary", () => {
    // GIVEN Flagger's log, which kubectl returns whole at every poll, mentions this canary and another
    const box = sandbox({ synthesized: true, doctor: true });
    const log = box.file('flagger.log', flaggerLog(
      ['podinfo.test', 'Advance podinfo.test canary weight 10'],
      ['other.prod', 'Advance other.prod canary weight 10'],
      ['podinfo.test', 'Halt advancement no values found for istio metric request-duration probably podinfo.test is not receiving traffic'],
    ));
    const result = box.run(['watch'], {
      ...cluster, STUB_CANARY_PHASES: 'Progressing|10|0 Progressing|10|1 Progressing|10|1 Succeeded|0|0', STUB_FLAGGER_LOG: log,
    });

    // THEN each message appears exactly once, the other canary's not at all, and the halt is explained
    expect(result.status).toBe(0);
    expect(result.stdout.split('Advance podinfo.test canary weight 10').length - 1).toBe(1);
    expect(result.stdout).not.toContain('other.prod');
    expect(result.stdout).toMatch(
      /2024-06-01T10:02:00\.000Z Halt advancement no values found .*\n\s+-> DOCTOR SUMMARY of "Halt advancement no values found/,
    );
    expect(result.calls).toContain('flagger-doctor explain --format json --manifests ' + path.join(box.project, 'dist'));
  });

  test('with the real flagger-doctor, a rollback is summarised line by line and diagnosed', () => {
    // GIVEN the project's own doctor and the tutorial's failing run
    const box = sandbox({ synthesized: true, doctor: 'real' });
    const log = box.file('flagger.log', flaggerLog(
      ['podinfo.test', 'New revision detected! Scaling up podinfo.test'],
      ['podinfo.test', 'Halt podinfo.test advancement external check load-test failed POST http://flagger-loadtestr.test/ giving up after 1 attempt(s): Post "http://flagger-loadtestr.test/": dial tcp: lookup flagger-loadtestr.test on 10.96.0.10:53: no such host'],
      ['podinfo.test', 'Rolling back podinfo.test failed checks threshold reached 5'],
      ['podinfo.test', 'Canary failed! Scaling down podinfo.test'],
    ));
    // WHEN the watch sees it fail
    const result = box.run(['watch'], {
      ...cluster, STUB_CANARY_PHASES: 'Progressing|10|1 Failed|0|5', STUB_FLAGGER_LOG: log,
    });
    // THEN every message carries the doctor's summary, and the diagnosis names the bad host
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/no such host\n\s+-> \S/);
    expect(result.stdout).toMatch(/threshold reached 5\n\s+-> \S/);
    expect(result.stdout).toMatch(/Why \(flagger-doctor explain\):\n[\s\S]*ROLLED BACK[\s\S]*flagger-loadtestr\.test/);
  });

  test('prints the raw messages when flagger-doctor is not there', () => {
    // GIVEN a project without bin/flagger-doctor.js
    const box = sandbox({ synthesized: true });
    const log = box.file('flagger.log', flaggerLog(['podinfo.test', 'Halt podinfo.test advancement request duration 1.2s > 500ms']));
    const result = box.run(['watch'], {
      ...cluster, STUB_CANARY_PHASES: 'Progressing|10|1 Succeeded|0|0', STUB_FLAGGER_LOG: log,
    });

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Halt podinfo.test advancement request duration 1.2s > 500ms');
    expect(result.stdout).not.toContain('->');
  });

  test('exits 2 when no analysis starts', () => {
    // GIVEN a canary that finished long ago and nothing new
    const result = sandbox({ synthesized: true }).run(['watch'], { ...cluster, STUB_CANARY_PHASES: 'Succeeded|0|0', WATCH_START_TIMEOUT: '1' });

    expect(result.status).toBe(2);
    expect(result.stdout).toContain('No canary analysis started within 1s; Canary test/podinfo is Succeeded');
  });

  test('exits 124 when the analysis outlasts WATCH_TIMEOUT', () => {
    const result = sandbox({ synthesized: true }).run(['watch'], { ...cluster, STUB_CANARY_PHASES: 'Progressing|10|0', WATCH_TIMEOUT: '1' });

    expect(result.status).toBe(124);
    expect(result.stdout).toContain('Still Progressing after 1s');
  });

  test('exits 2 when there is no cluster', () => {
    const result = sandbox({ synthesized: true }).run(['watch'], { STUB_CANARY_PHASES: 'Failed|0|5' });

    expect(result.status).toBe(2);
    expect(result.stderr).toContain("there is no kubectl context 'kind-istio-flagger'");
    expect(result.calls.filter((call) => call.includes(' get canary '))).toEqual([]);
  });

  test('exits 2 when there is no canary', () => {
    const result = sandbox({ synthesized: true }).run(['watch'], cluster);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain('cannot read Canary test/podinfo');
  });
});

describe('setup.sh fail', () => {
  const cluster = { STUB_KIND_CLUSTERS: 'istio-flagger' };

  test('starts a revision, sends 500s and slow requests to the canary, and exits 0 on the rollback', () => {
    // GIVEN a settled canary that Flagger then analyses and rolls back
    const box = sandbox({ synthesized: true });
    const result = box.run(['fail'], {
      ...cluster, STUB_CANARY_PHASES: 'Succeeded Succeeded Progressing|0|0 Progressing|10|2 Failed|0|5',
    });

    // THEN a new revision comes first, then the faults from inside the load tester, then the watch
    expect(result.status).toBe(0);
    const restart = result.calls.indexOf(`kubectl --context ${CONTEXT} -n test rollout restart deployment/podinfo`);
    const faults = indexOfCall(result.calls, / -n test exec deployment\/flagger-loadtester -- sh -c /);
    expect(restart).toBeGreaterThanOrEqual(0);
    expect(faults).toBeGreaterThan(restart);
    // The duration and the URL are the shell's arguments $1 and $2, never part of its script
    expect(result.calls[faults]).toBe(`kubectl --context ${CONTEXT} -n test exec deployment/flagger-loadtester -- sh -c ${FAULTS_SCRIPT} sh 10m http://podinfo-canary.test:9898`);
    expect(result.stdout).toContain('failed: Flagger rolled back');
  });

  test('uses the image tag it is given as the new revision', () => {
    const result = sandbox({ synthesized: true }).run(['fail', '6.0.3'], {
      ...cluster, STUB_CANARY_PHASES: 'Succeeded Progressing|0|0 Failed|0|5',
    });

    expect(result.status).toBe(0);
    expect(result.calls).toContain(
      `kubectl --context ${CONTEXT} -n test set image deployment/podinfo podinfod=ghcr.io/stefanprodan/podinfo:6.0.3`,
    );
    expect(result.calls.filter((call) => call.includes('rollout restart'))).toEqual([]);
  });

  test('injects the faults into an analysis already running, without a new revision', () => {
    const result = sandbox({ synthesized: true }).run(['fail'], { ...cluster, STUB_CANARY_PHASES: 'Progressing|20|0 Progressing|20|0 Failed|0|5' });

    expect(result.status).toBe(0);
    expect(result.calls.filter((call) => /rollout restart|set image/.test(call))).toEqual([]);
    expect(result.calls).toContain(`kubectl --context ${CONTEXT} -n test exec deployment/flagger-loadtester -- sh -c ${FAULTS_SCRIPT} sh 10m http://podinfo-canary.test:9898`);
  });

  test('exits 1 when the canary is promoted despite the faults', () => {
    const result = sandbox({ synthesized: true }).run(['fail'], { ...cluster, STUB_CANARY_PHASES: 'Succeeded Progressing|0|0 Succeeded|0|0' });

    expect(result.status).toBe(1);
  });

  test('names the step when Flagger never starts the analysis', () => {
    const result = sandbox({ synthesized: true }).run(['fail'], { ...cluster, STUB_CANARY_PHASES: 'Succeeded', WATCH_START_TIMEOUT: '1' });

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('step "Wait for Flagger to start the analysis (up to 1s)" failed');
    expect(result.calls.filter((call) => call.includes(' exec '))).toEqual([]);
  });
});

describe('setup.sh status and down', () => {
  test('status summarises the pieces and the canary', () => {
    const box = sandbox({ synthesized: true });
    const result = box.run(['status'], {
      STUB_KIND_CLUSTERS: 'istio-flagger', STUB_CANARY_PHASES: 'Progressing|30|1', STUB_DOCKER_PORT: '8080',
    });

    expect(result.status).toBe(0);
    expect(result.calls).toEqual(expect.arrayContaining([
      `kubectl --context ${CONTEXT} get nodes`,
      `kubectl --context ${CONTEXT} -n istio-system get deployment istiod istio-ingressgateway prometheus flagger`,
      `kubectl --context ${CONTEXT} -n test get deployment,hpa`,
    ]));
    expect(result.stdout).toContain('Canary    test/podinfo: phase Progressing, canary weight 30%, failed checks 1');
    expect(result.stdout).toContain('podinfo target image: ghcr.io/stefanprodan/podinfo:6.0.0');
    expect(result.stdout).toContain("curl -H 'Host: app.example.com' http://localhost:8080/");
  });

  test('status without a cluster says how to create one', () => {
    const result = sandbox({ synthesized: true }).run(['status']);

    expect(result.status).toBe(1);
    expect(result.stdout).toContain('run ./setup.sh to create the cluster');
  });

  test('down deletes the cluster', () => {
    const result = sandbox({ synthesized: true }).run(['down'], { STUB_KIND_CLUSTERS: 'istio-flagger' });

    expect(result.status).toBe(0);
    expect(result.calls).toContain('kind delete cluster --name istio-flagger');
  });

  test('down deletes the cluster CLUSTER_NAME names', () => {
    const result = sandbox({ synthesized: true }).run(['down'], { STUB_KIND_CLUSTERS: 'istio-flagger demo', CLUSTER_NAME: 'demo' });

    expect(result.status).toBe(0);
    expect(result.calls.filter((call) => call.startsWith('kind delete'))).toEqual(['kind delete cluster --name demo']);
  });

  test('down without a cluster deletes nothing and succeeds', () => {
    const result = sandbox({ synthesized: true }).run(['down']);

    expect(result.status).toBe(0);
    expect(result.stdout).toContain('there is no kind cluster named istio-flagger; nothing to delete');
    expect(result.calls.filter((call) => call.startsWith('kind delete'))).toEqual([]);
  });
});

describe('setup.sh usage', () => {
  test.each(['help', '--help', '-h'])('%s prints the usage and calls no tool', (flag) => {
    const result = sandbox().run([flag]);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: \.\/setup\.sh \[COMMAND\]/);
    for (const command of ['up', 'trigger [TAG]', 'watch', 'fail', 'status', 'down']) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command.replace(/[[\]]/g, '\\$&')}\\s`, 'm'));
    }
    expect(result.calls).toEqual([]);
  });

  test('an unknown command prints the usage and fails', () => {
    const result = sandbox().run(['deploy']);

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^setup\.sh: unknown command 'deploy'\.\n\nUsage:/);
    expect(result.calls).toEqual([]);
  });

  test('a malformed setting is named before anything runs', () => {
    const result = sandbox().run([], { INGRESS_NODE_PORT: '8080' });

    expect(result.status).toBe(2);
    expect(result.stderr).toBe("setup.sh: INGRESS_NODE_PORT is '8080', but it must be in Kubernetes' NodePort range 30000-32767.\n");
    expect(result.calls).toEqual([]);
  });
});
