import { describe, expect, it } from 'vitest';
import { NODE_KINDS, NODE_TYPES, kindOf } from './index.js';

describe('registry', () => {
  it('registers every DESIGN type name, each with a valid example that already carries the defaults', () => {
    expect(NODE_TYPES).toEqual(['say', 'play', 'menu', 'collect', 'businessHours', 'roundRobin', 'transfer', 'voicemail', 'sms', 'keywords', 'waitForReply', 'branch', 'setVariable', 'hangup', 'httpRequest', 'aiGather', 'aiAssistant', 'reject', 'pause', 'recordCall', 'subflow', 'return', 'answeredBy', 'queue']);
    for (const t of NODE_TYPES) {
      const kind = NODE_KINDS[t];
      expect(kind.type).toBe(t);
      expect(kind.schema.parse(kind.example), t).toEqual(kind.example);
      expect(kind.lint?.(kind.example as never, { timezone: 'UTC' }) ?? [], t).toEqual([]);
    }
  });

  it('knows no kind by an inherited property name', () => {
    expect(kindOf('toString')).toBeUndefined();
    expect(kindOf('menu')).toBe(NODE_KINDS.menu);
  });
});
