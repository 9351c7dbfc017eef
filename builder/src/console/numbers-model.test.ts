import { describe, expect, it } from 'vitest';
import { budgetLeftAfter, searchQuery } from './numbers-model.js';

describe('searchQuery', () => {
  it('sends only the fields filled in', () => {
    expect(searchQuery({ areaCode: ' 312 ', locality: '', features: [] })).toBe('areaCode=312&limit=10');
    expect(searchQuery({ areaCode: '', locality: 'San Francisco', features: ['sms', 'voice'] }, 5)).toBe('locality=San+Francisco&features=sms%2Cvoice&limit=5');
  });
});

describe('budgetLeftAfter', () => {
  it('takes the ledger, numbers on order and the new fee off the budget', () => {
    const numbers = [{ status: 'pending' as const, monthlyMicros: 1_000_000 }, { status: 'active' as const, monthlyMicros: 1_000_000 }];
    // The active number's month is already in the ledger (spent); the pending one is not yet.
    expect(budgetLeftAfter(10_000_000, 2_500_000, numbers, 1_000_000)).toBe(5_500_000);
    expect(budgetLeftAfter(1_000_000, 500_000, [], 1_000_000)).toBe(-500_000);
    expect(budgetLeftAfter(null, 2_500_000, numbers, 1_000_000)).toBeNull();
  });
});
