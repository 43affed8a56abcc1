/**
 * What the input shows about the workloads beside Flagger's messages (`kubectl get pods`, events of pods,
 * ReplicaSets and Deployments), kept per object, a few texts each: the notes that say why a Deployment's
 * pods are not ready (`CrashLoopBackOff, READY 1/2, 97 restarts`; `Failed: Failed to pull image ...`).
 */
import { WorkloadFact } from '../input/logs';

/** Objects remembered; beyond this new ones are not. */
const MAX_OBJECTS = 5000;
/** Texts remembered per object: the last distinct ones. */
const MAX_TEXTS = 3;
/** Objects named in the notes of one problem. */
const MAX_NOTES = 3;

interface Facts {
  texts: string[];
  warning: boolean;
}

export class WorkloadFacts {
  private readonly objects = new Map<string, Facts>();

  add(fact: WorkloadFact): void {
    let facts = this.objects.get(fact.object);
    if (!facts) {
      if (this.objects.size >= MAX_OBJECTS) return;
      facts = { texts: [], warning: false };
      this.objects.set(fact.object, facts);
    }
    if (!fact.warning) return;
    facts.warning = true;
    const text = fact.text.length > 240 ? `${fact.text.slice(0, 237)}...` : fact.text;
    facts.texts = [...facts.texts.filter((known) => known !== text), text].slice(-MAX_TEXTS);
  }

  /** Notes on what the input shows wrong with Deployment `deployment`'s pods, ReplicaSets and itself. */
  notesFor(deployment: string): string[] {
    const name = deployment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const own = new RegExp(`^(?:pod/${name}-[a-z0-9]{5,10}-[a-z0-9]{5}|replicaset/${name}-[a-z0-9]{5,10}|deployment/${name})$`);
    const notes: string[] = [];
    for (const [object, facts] of this.objects) {
      if (!facts.warning || !own.test(object)) continue;
      notes.push(`The input shows ${object.replace('/', ' ')}: ${facts.texts.join('; ')}.`.replace(/\.\.$/, '.'));
      if (notes.length === MAX_NOTES) break;
    }
    return notes;
  }
}
