#!/usr/bin/env node
'use strict';
// `node scripts/jsii-check.js` (run by `npm run lint`): compiles the package's main entry, lib/index.ts
// (the constructs, their props and enums, and the validation plugin), with jsii, the compiler that
// publishes cdk8s construct libraries to Python, Java, Go and .NET. jsii rejects TypeScript that
// those languages cannot express: string-literal unions, `readonly string[]`, inline object types,
// mapped-type `extends`, index signatures, a class extending Error, and so on.
//
// jsii wants a package.json with a `jsii` section and writes its own tsconfig.json and a .jsii
// assembly, so it runs in a scratch copy of what it compiles (lib/, imports/) with a generated
// package.json; nothing in the repository is written. Its diagnostics are printed as it reports
// them, with the paths made relative to the repository. The exit code is 1 on any jsii error.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const COPIED = ['lib', 'imports'];


/** The package.json jsii compiles with: this package's, plus what jsii requires of a jsii module. */
function jsiiPackageJson() {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  return {
    name: pkg.name,
    version: pkg.version,
    description: pkg.description,
    license: pkg.license,
    author: { name: 'flagger-istio-cdk8s authors', organization: false },
    repository: { type: 'git', url: 'https://github.com/example/flagger-istio-cdk8s.git' },
    main: 'build/lib/index.js',
    types: 'build/lib/index.d.ts',
    // jsii modules may depend only on other jsii modules; a plain npm package such as `yaml` must
    // be bundled into the published tarball.
    dependencies: pkg.dependencies,
    bundledDependencies: Object.keys(pkg.dependencies ?? {}),
    peerDependencies: pkg.peerDependencies,
    // jsii checks that the peer dependencies are also pinned development dependencies.
    devDependencies: Object.fromEntries(Object.keys(pkg.peerDependencies ?? {}).map((name) => [name, installedVersion(name)])),
    jsii: {
      outdir: 'jsii-dist',
      targets: {},
      tsc: { outDir: 'build', rootDir: '.' },
      versionFormat: 'short',
    },
  };
}

function installedVersion(name) {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function copyTree(from, to) {
  fs.cpSync(from, to, { recursive: true, filter: (source) => !source.endsWith('.js') && !source.endsWith('.d.ts') });
}

function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'jsii-check-'));
  try {
    for (const dir of COPIED) copyTree(path.join(ROOT, dir), path.join(work, dir));
    // jsii wants a README for the Python package's description.
    fs.writeFileSync(path.join(work, 'README.md'), fs.existsSync(path.join(ROOT, 'README.md')) ? fs.readFileSync(path.join(ROOT, 'README.md')) : '# flagger-istio-cdk8s\n');
    fs.writeFileSync(path.join(work, 'package.json'), `${JSON.stringify(jsiiPackageJson(), null, 2)}\n`);
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'), 'dir');
    const result = spawnSync(process.execPath, [require.resolve('jsii/bin/jsii'), '--silence-warnings=reserved-word'], {
      cwd: work,
      encoding: 'utf8',
      env: {
        ...process.env,
        // Node 20's end-of-life banner says nothing about this code.
        JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1',
        JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: process.versions.node.split('.')[0],
        JSII_SUPPRESS_UPGRADE_PROMPT: '1',
        NO_COLOR: '1',
        FORCE_COLOR: '0',
      },
    });
    if (result.error) {
      process.stderr.write(`jsii-check: cannot run jsii: ${result.error.message}\n`);
      return 1;
    }
    // Strip ANSI colour codes and point the paths at the repository instead of the scratch copy.
    const output = `${result.stdout}${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, '').split(work + path.sep).join('');
    const errors = (output.match(/ - error JSII\d+| - error TS\d+|error JSII\d+:|error TS\d+:/g) ?? []).length;
    if (output.trim()) process.stdout.write(`${output.trimEnd()}\n`);
    if (result.status !== 0 || errors > 0) {
      process.stderr.write(`jsii-check: ${errors} jsii error${errors === 1 ? '' : 's'} in the main entry (lib/index.ts).\n`);
      return 1;
    }
    process.stdout.write('jsii-check: lib/index.ts compiles with jsii, 0 errors.\n');
    return 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
