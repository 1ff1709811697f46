import { describe, expect, it } from 'vitest';
import { detectEntities } from './detect.js';
import type { PiiType } from './entity.js';

function found(text: string, type: PiiType): string[] {
  return detectEntities(text)
    .filter((e) => e.type === type)
    .map((e) => text.slice(e.start, e.end));
}

describe('values that identify no one', () => {
  const kept: [PiiType, string, string][] = [
    ['EMAIL', 'Hi, please send the contract to john.smith@example.com by Friday.', 'john.smith@example.com'],
    ['EMAIL', 'Reset the passwd for Ola at ola.nordmann@fjordpost.no today', 'ola.nordmann@fjordpost.no'],
    ['EMAIL', 'login: t.berg@corp-mail.de  password: Qm7!vx2p', 't.berg@corp-mail.de'],
    ['EMAIL', 'I will bypass review; mail ann@example.org', 'ann@example.org'],
    ['EMAIL', 'I forgot my password again, so please write to help.desk@example.com for me', 'help.desk@example.com'],
    ['IP_ADDRESS', 'my home router shows 81.4.122.19 as the WAN address', '81.4.122.19'],
    ['IP_ADDRESS', 'not private: 172.32.8.1 is outside 172.16/12', '172.32.8.1'],
    ['IP_ADDRESS', 'my IPv6 is 2a02:8070:b1a2:4c00:9d1e:77ff:fe31:c0de today', '2a02:8070:b1a2:4c00:9d1e:77ff:fe31:c0de'],
    ['PHONE', 'ring me on 06.12.34.56.78 tonight', '06.12.34.56.78'],
    ['URL', 'my shop is at lindqvist-keramik.se', 'lindqvist-keramik.se'],
  ];
  it.each(kept)('still reports %s in %j', (type, text, value) => {
    expect(found(text, type)).toEqual([value]);
  });

  const dropped: [PiiType, string][] = [
    // A login at a documentation domain beside a password is a fixture account.
    ['EMAIL', 'username: qa.bot@example.com password: Zr81!kLm'],
    ['EMAIL', 'ID:tester@sub.example.net,PW:Zr81!kLm'],
    ['EMAIL', '-id:ops@example.org -pwd:Zr81!kLm'],
    ['EMAIL', '계정 admin@example.com 비번 Zr81!kLm'],
    // Private and link-local ranges are reused by every LAN.
    ['IP_ADDRESS', 'ifconfig eth1 10.20.30.41 netmask 255.0.0.0'],
    ['IP_ADDRESS', 'db: 172.18.0.7, cache: 192.168.56.101'],
    ['IP_ADDRESS', 'no DHCP lease, got 169.254.12.9'],
    ['IP_ADDRESS', 'see RFC 3849: 2001:db8:85a3::8a2e:370:7334 in the example'],
    ['IP_ADDRESS', 'link-local fe80::1c2d:3eff:fe4f:5a6b%eth0 and ULA fd12:3456:789a::42'],
    ['PHONE', 'backend 192.168.40.12(8443 port) is down'],
    ['PHONE', '| Ada Byrne | Ireland | 71-70-68-72=281 | -9 |'],
    ['IP_ADDRESS', "'x-forwarded-for': '3.3.3.3, 4.4.4.4'"],
    // Cloud service endpoints and API group names.
    ['URL', 'databaseURL: my-app-7f3e.firebaseio.com'],
    ['URL', 'origin d1x2y3z4.cloudfront.net'],
    ['URL', 'apiVersion: monitoring.coreos.com/v1'],
  ];
  it.each(dropped)('does not report %s in %j', (type, text) => {
    expect(found(text, type)).toEqual([]);
  });
});
