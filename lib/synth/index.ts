export { AppSynthesizer, AppSynthesizerOptions } from './app-synthesizer';
