import { App } from 'cdk8s';
import { buildApp } from './app';

// `npm run synth:examples` runs this with CDK8S_OUTDIR set to this example's dist/.
const app = new App();
buildApp(app);
app.synth();
