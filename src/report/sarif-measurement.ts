// A SARIF rule descriptor for a measurement (a large poll frame, an await to box): note level, tagged
// `measurement`, with the advice as help. Rule findings get theirs from the rule's metadata (sarif.ts).
import type { ReportingDescriptor } from 'sarif';

export function measurementDescriptor(m: {
  id: string;
  name: string;
  short: string;
  text: string;
  advice: string;
  helpUri: string;
  fixable: boolean;
}): ReportingDescriptor {
  const help = `${m.text}\n\n${m.advice}.`;
  return {
    id: m.id,
    name: m.name,
    shortDescription: { text: m.short },
    fullDescription: { text: m.text },
    help: { text: help, markdown: help },
    helpUri: m.helpUri,
    defaultConfiguration: { level: 'note' },
    properties: { fixable: m.fixable, tags: ['performance', 'async', 'measurement'] },
  };
}
