import type { CallRow } from './history-merge.js';

/** How each outcome reads (server/store/history-types.ts `CallOutcome` defines them). */
export const OUTCOME_LABEL: Record<CallRow['outcome'], string> = { live: 'live', answered: 'answered', voicemail: 'voicemail', missed: 'missed', 'no-answer': 'no answer', rejected: 'rejected' };

/** A call's outcome as a coloured badge (calls.css). */
export const OutcomeBadge = ({ o }: { o: CallRow['outcome'] }) => <span className={`badge outcome-${o}`}>{OUTCOME_LABEL[o]}</span>;
