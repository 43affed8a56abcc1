import { App } from 'cdk8s';
import { AppSynthesizer, FlaggerTutorialChart } from './lib';

const app = new App();
new FlaggerTutorialChart(app, 'podinfo');
AppSynthesizer.synth(app);
