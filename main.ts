import { App } from 'cdk8s';
import { FlaggerTutorialChart } from './lib';

const app = new App();
new FlaggerTutorialChart(app, 'podinfo');
app.synth();
