import { describe, expect, it } from 'vitest';
import { addressRefusal, parseCidrList } from './address-policy.js';

describe('addressRefusal: only public unicast, unless a range is allowed on purpose', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.8.9.10', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'], ['172.16.0.1', 'private'], ['192.168.1.1', 'private'], ['::ffff:192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'], ['fe80::1', 'linkLocal'], ['100.64.0.1', 'carrierGradeNat'], ['100.100.100.200', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'], ['::', 'unspecified'], ['224.0.0.1', 'multicast'], ['ff02::1', 'multicast'], ['255.255.255.255', 'broadcast'],
    ['fd00:ec2::254', 'uniqueLocal'], ['fc00::1', 'uniqueLocal'], ['64:ff9b::7f00:1', 'rfc6052'], ['2002:7f00:1::', '6to4'],
    ['::7f00:1', 'not global unicast'], ['[::1]', 'loopback'], ['nonsense', 'not an IP address'],
  ])('%s is refused (%s)', (ip, why) => {
    expect(addressRefusal(ip)).toBe(why);
  });

  it.each(['8.8.8.8', '52.216.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])('%s is allowed', (ip) => {
    expect(addressRefusal(ip)).toBeUndefined();
  });

  it('an allowed range opens exactly that range, per address family', () => {
    const allow = parseCidrList('10.0.0.0/8, 127.0.0.1');
    expect(addressRefusal('10.200.0.1', allow)).toBeUndefined();
    expect(addressRefusal('127.0.0.1', allow)).toBeUndefined();
    expect(addressRefusal('::ffff:127.0.0.1', allow)).toBeUndefined();
    expect(addressRefusal('127.0.0.2', allow)).toBe('loopback');
    expect(addressRefusal('192.168.0.1', allow)).toBe('private');
    expect(addressRefusal('::1', allow)).toBe('loopback');
  });

  it('a setting that does not parse names itself and the entry', () => {
    expect(() => parseCidrList('10.0.0/8')).toThrow('CALLFLOW_ALLOW_PRIVATE_WEBHOOKS: "10.0.0/8" is not an address range');
    expect(parseCidrList('')).toEqual([]);
    expect(parseCidrList(undefined)).toEqual([]);
  });
});
