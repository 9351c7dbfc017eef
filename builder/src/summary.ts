/** One-line summaries of a node's key settings, shown on the canvas card. Pure. */

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

function promptText(p: unknown): string {
  if (!p || typeof p !== 'object') return typeof p === 'string' ? p : '';
  const o = p as Record<string, unknown>;
  return typeof o.text === 'string' ? `“${o.text}”` : typeof o.url === 'string' ? `▶ ${o.url}` : '';
}

function clip(s: string, n = 70): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Short lines describing `data` of a node of `type`; generic for kinds it does not know. */
export function summarize(type: string, data: Record<string, any>): string[] {
  const d = data ?? {};
  switch (type) {
    case 'say': return [clip(`“${d.text ?? ''}”`)];
    case 'play': return [clip(`▶ ${d.url ?? ''}`)];
    case 'menu': return [clip(promptText(d.prompt)), Object.entries(d.options ?? {}).map(([k, v]) => `${k}: ${v}`).join(' · ')].filter(Boolean).map((s) => clip(s));
    case 'collect': return [clip(promptText(d.prompt)), d.variable ? `→ vars.${d.variable}` : ''].filter(Boolean);
    case 'businessHours': {
      const open = DAYS.filter((k) => (d.weekly?.[k] ?? []).length).map((k) => `${k} ${(d.weekly[k] as any[]).map((r) => `${r.open}–${r.close}`).join(',')}`);
      const hol = (d.holidays ?? []).length;
      return [clip(open.length ? open.slice(0, 2).join(' · ') + (open.length > 2 ? ` +${open.length - 2}` : '') : 'always closed'), hol ? `${hol} holiday${hol > 1 ? 's' : ''}` : ''].filter(Boolean);
    }
    case 'roundRobin': return [`${(d.members ?? []).length} member(s) · ${d.strategy ?? 'round_robin'}`];
    case 'transfer': return [`→ ${d.to ?? ''}`];
    case 'voicemail': return [clip(promptText(d.greeting) || 'voicemail')];
    case 'sms': return [clip(`SMS: ${d.text ?? ''}`)];
    case 'branch': return [(d.rules ?? []).map((r: any) => `${r.port}: ${r.when?.var ?? ''} ${r.when?.op ?? ''} ${r.when?.value ?? ''}`).join(' · ')].map((s) => clip(s));
    case 'setVariable': return [`${d.name ?? ''} = ${clip(String(d.value ?? ''), 40)}`];
    case 'hangup': return [d.reason ? clip(d.reason) : 'end the call'];
    default: {
      const first = Object.entries(d).find(([, v]) => typeof v === 'string' || typeof v === 'number');
      return first ? [clip(`${first[0]}: ${first[1]}`)] : [];
    }
  }
}
