import { forwardRef } from 'react';
import { needs, useMe } from '../me.js';
import { VoicemailPlayer, type PlayerHandle } from './VoicemailPlayer.js';
import { clock, type Voicemail } from './voicemail-logic.js';

/** Who left it, in words a list and a screen reader can use. */
export const whoOf = (v: Voicemail) => v.caller ?? 'an unknown caller';

/** What the transcription column says when there is no text (yet). */
function transcriptionNote(v: Voicemail): string {
  if (!v.transcribe) return 'Transcription unavailable: this voicemail node does not transcribe (turn on “transcribe” in the flow).';
  return 'Transcription pending: it arrives a little after the recording.';
}

/**
 * One voicemail: who, when, which line and mailbox; read / urgent / delete; the waveform player; the
 * transcription beside it.
 */
export const VoicemailDetail = forwardRef<PlayerHandle, {
  vm: Voicemail; onRead: (read: boolean) => void; onUrgent: () => void; onDelete: () => void; onPlay: () => void;
}>(function VoicemailDetail({ vm, onRead, onUrgent, onDelete, onPlay }, player) {
  const noEdit = needs(useMe(), 'editor');
  return (
    <article className="vm-detail" aria-labelledby="vm-title" data-testid="vm-detail" data-id={vm.id}>
      <header className="vm-detail-head">
        <h2 id="vm-title">{whoOf(vm)}</h2>
        {!vm.readAt && <span className="badge vm-unread">Unread</span>}
        {vm.urgent && <span className="badge vm-urgent">Urgent</span>}
        <span className="grow" />
        <button onClick={() => onRead(!vm.readAt)} title="U">{vm.readAt ? 'Mark unread' : 'Mark read'}</button>
        <button onClick={onUrgent} aria-pressed={vm.urgent} title="!">{vm.urgent ? 'Not urgent' : 'Mark urgent'}</button>
        <button className="danger" onClick={onDelete} disabled={!!noEdit} title={noEdit || 'Delete'}>Delete</button>
      </header>
      <p className="muted vm-meta">
        {new Date(vm.createdAt).toLocaleString()} · {clock(vm.seconds)} · to {vm.number ?? 'an unknown number'} · mailbox “{vm.mailbox}”
      </p>
      <div className="vm-body">
        <div className="vm-audio-col">
          {vm.audioUrl
            ? <VoicemailPlayer ref={player} key={vm.id} audioUrl={vm.audioUrl} label={`voicemail from ${whoOf(vm)}`} onPlay={onPlay} />
            : <div className={vm.audioError ? 'error' : 'muted'} role={vm.audioError ? 'alert' : undefined}>
                {vm.audioError ? `No audio: ${vm.audioError}` : 'The audio is still being fetched from Telnyx…'}
              </div>}
        </div>
        <aside className="vm-transcript" aria-labelledby="vm-tr-title">
          <h3 id="vm-tr-title">Transcription</h3>
          {vm.transcription ? <p data-testid="vm-transcription">{vm.transcription}</p> : <p className="muted" data-testid="vm-transcription-note">{transcriptionNote(vm)}</p>}
        </aside>
      </div>
    </article>
  );
});
