import { useState } from 'react';
import { href, type Route } from './route.js';
import { ResourceView, useEvery, useResource } from './resource.js';
import { MessageThread } from './MessageThread.js';
import { E164, preview, type Conversation } from './messages-logic.js';
import './messages.css';

const POLL_MS = 3000;

/**
 * `#/messages[/<customer>]`: one conversation per customer number (last message, unread and opted-out badges),
 * polled so new texts appear without a reload; the selected conversation's thread and send box; a number
 * typed in "New conversation" opens an empty thread to write the first message.
 */
export function MessagesPage({ route }: { route: Route }) {
  const list = useResource<{ conversations: Conversation[] }>('/api/messages/conversations');
  const numbers = useResource<{ numbers: { e164: string }[] }>('/api/numbers');
  const [to, setTo] = useState('');
  const customer = route.rest[0];
  useEvery(list.reload, POLL_MS);
  const ours = (numbers.data?.numbers ?? []).map((n) => n.e164);
  const valid = E164.test(to.trim());

  return (
    <div className="console-page msg-page">
      <h1>Messages</h1>
      <div className="msg-layout">
        <div className="msg-side">
          <form className="msg-new" onSubmit={(e) => { e.preventDefault(); if (valid) { location.hash = href('messages', to.trim()); setTo(''); } }}>
            <label className="field"><span>New conversation with</span>
              <input name="msg-new-to" value={to} placeholder="+13125550199" onChange={(e) => setTo(e.target.value)} aria-invalid={to.trim() && !valid ? true : undefined} /></label>
            <button disabled={!valid}>Open</button>
          </form>
          <ResourceView state={list} what="conversations" isEmpty={(d) => !d.conversations.length}
            empty="No texts yet. Inbound texts to your numbers and messages you send show up here.">
            {(d) => (
              <ul className="msg-convs" aria-label="Conversations, newest first">
                {d.conversations.map((c) => (
                  <li key={c.customer} className={c.customer === customer ? 'on' : ''} data-customer={c.customer}>
                    <a href={href('messages', c.customer)} aria-current={c.customer === customer ? 'true' : undefined}>
                      <span className="msg-who">{c.customer}</span>
                      {c.unread > 0 && <span className="badge msg-unread" data-testid="conv-unread">{c.unread} unread</span>}
                      {c.optedOut && <span className="badge msg-opted">Opted out</span>}
                      <span className="msg-preview muted">{preview(c.last)}</span>
                      <span className="msg-when muted">{new Date(c.last.createdAt).toLocaleString()}</span>
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </ResourceView>
        </div>
        {customer
          ? (E164.test(customer) ? <MessageThread key={customer} customer={customer} numbers={ours} onChanged={() => void list.reload()} />
            : <div className="error" role="alert">“{customer}” is not a phone number in E.164 format (e.g. +13125550199).</div>)
          : <div className="empty">Pick a conversation, or start one with a customer's number.</div>}
      </div>
    </div>
  );
}
