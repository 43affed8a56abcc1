import * as path from 'path';

/** Flagger's tutorial manifests, vendored in this repository (see test/fixtures/reference/README.md). */
export const REFERENCE_DIR = path.resolve(__dirname, '../fixtures/reference/flagger-v1.44.0');

/** The CRDs `npm run import` reads (see crds/README.md). */
export const CRD_DIR = path.resolve(__dirname, '../../crds');
