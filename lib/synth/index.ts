export { AppSynthesizer } from './app-synthesizer';
