import { describe, expect, it } from 'vitest';
import { detectEntities } from './detect.js';
import type { PiiType } from './entity.js';

function found(text: string, type: PiiType): string[] {
  return detectEntities(text)
    .filter((e) => e.type === type)
    .map((e) => text.slice(e.start, e.end));
}

describe('structured recognisers', () => {
  const accepted: [PiiType, string, string][] = [
    ['EMAIL', 'Write to jane.doe+news@mail.example.de today', 'jane.doe+news@mail.example.de'],
    ['EMAIL', "Where do I send it? OskarBLindqvist@fernhollow.com", 'OskarBLindqvist@fernhollow.com'],
    ['CREDIT_CARD', 'My card 4719363696259411 is expiring', '4719363696259411'],
    ['CREDIT_CARD', 'card number 4111 1111 1111 1111 please', '4111 1111 1111 1111'],
    ['IBAN', 'Pay to IBAN GB68PRHT67772904199690', 'GB68PRHT67772904199690'],
    ['IBAN', 'IBAN: DE89 3704 0044 0532 0130 00.', 'DE89 3704 0044 0532 0130 00'],
    ['US_SSN', "SSN on file: 412-63-8057", '412-63-8057'],
    ['IP_ADDRESS', 'the firewall keeps dropping 91.204.57.162 today', '91.204.57.162'],
    ['IP_ADDRESS', 'from c41d:5e07:a9b2:3f8:61ca:d045:7be3:92f0 today', 'c41d:5e07:a9b2:3f8:61ca:d045:7be3:92f0'],
    ['IP_ADDRESS', 'host 2a03:b0c0:3:d0::1a4f:7001 is up', '2a03:b0c0:3:d0::1a4f:7001'],
    ['IP_ADDRESS', 'mapped c41d:5e07:a9b2:3f8:61ca:d045:91.204.57.162 here', 'c41d:5e07:a9b2:3f8:61ca:d045:91.204.57.162'],
    ['URL', 'our shop is https://www.PriceNest.nl/ ok', 'https://www.PriceNest.nl/'],
    ['URL', 'see www.acme-shop.co.uk/contact.', 'www.acme-shop.co.uk/contact'],
    ['URL', 'my blog is janedoe.com, come by', 'janedoe.com'],
    ['PHONE', 'call me at +1-582-319-4076x31857 tomorrow', '+1-582-319-4076x31857'],
    ['PHONE', 'phone: (07) 5312 9468', '(07) 5312 9468'],
    ['PHONE', 'text my mobile 031 864 27 19', '031 864 27 19'],
    ['US_DRIVER_LICENSE', "my driver's license number is D1234567", 'D1234567'],
  ];
  it.each(accepted)('finds %s in %j', (type, text, value) => {
    expect(found(text, type)).toEqual([value]);
  });

  const rejected: [PiiType, string][] = [
    ['CREDIT_CARD', 'card 4719363696259412 fails Luhn'],
    ['IBAN', 'Pay to IBAN GB68PRHT67772904199691'],
    ['IBAN', 'Pay to IBAN GB68PRHT6777290419969'],
    ['US_SSN', 'SSN 999-12-3456 is not issued'],
    ['US_SSN', 'SSN 666-12-3456 is not issued'],
    ['US_SSN', 'SSN 123-00-4567 has group 00'],
    ['IP_ADDRESS', 'address 999.1.1.1 is invalid'],
    ['IP_ADDRESS', 'loopback 127.0.0.1 identifies nobody'],
    ['IP_ADDRESS', 'std::cout << x; at 12:30:45'],
    ['EMAIL', 'mail noreply@github.com or a@b'],
    ['URL', 'open config.py and index.html'],
    ['URL', 'schema http://www.w3.org/2001/XMLSchema'],
    ['PHONE', 'born 7/9/1963 in 1963-07-09'],
    ['US_DRIVER_LICENSE', 'the licence is MIT'],
  ];
  it.each(rejected)('does not report %s in %j', (type, text) => {
    expect(found(text, type)).toEqual([]);
  });
});

describe('tagger', () => {
  it('finds names and street addresses in sentences it was not trained on', () => {
    const text = 'Please forward the parcel for Margarethe Olsen to 42 Birchwood Lane, Apt. 7, Springfield 62704.';
    expect(found(text, 'PERSON')).toEqual(['Margarethe Olsen']);
    expect(found(text, 'ADDRESS').join(' ')).toContain('42 Birchwood Lane');
  });

  it('does not call capitalised common words names', () => {
    expect(found('Comedy, Animation and Family films. Cool, thanks!', 'PERSON')).toEqual([]);
  });

  it('does not take countries, date abbreviations or pieces of code and encoded data for names', () => {
    expect(found('Next month I am flying to Morocco, so I need a visa.', 'PERSON')).toEqual([]);
    expect(found('From: Tobias Lindgren <tl@example.org>\nDate: Wed, 8 Mar 2023 09:14:27 +0200', 'PERSON')).toEqual(['Tobias Lindgren']);
    expect(found('zfJo}69)Ck=7$R4Btr8UB+s7;FS``=7<=o6S5-HbrI*F<d-ND=<{OlC+8;7_Q#)sex', 'PERSON')).toEqual([]);
    expect(found('$p = ConvertTo-SecureString -String $x -AsPlainText', 'PERSON')).toEqual([]);
  });

  it('keeps a name whole across an apostrophe or a hyphen', () => {
    expect(found("The call with Maura O'Dwyer-Finch moved to Friday.", 'PERSON')).toEqual(["Maura O'Dwyer-Finch"]);
    expect(found('Deliver to: Samira Al-Hakimi, Apt 5B, 221 East 72nd Street', 'PERSON')).toEqual(['Samira Al-Hakimi']);
  });

  it('types a legal form as an organisation, a state as no person, and joins a given name typed as an organisation', () => {
    const text = 'Can you write a cover letter for Imani Okafor? She is applying to Vandelay Corporation in Austin, Texas.';
    expect(found(text, 'PERSON')).toEqual(['Imani Okafor']);
    expect(found(text, 'ORGANIZATION')).toContain('Vandelay Corporation');
    expect(found('The server rejected the login at 14:32 on 12 March 2024.', 'ADDRESS')).toEqual([]);
    expect(found('She is applying to Vandelay Corporation next week.', 'PERSON')).toEqual([]);
    expect(found('Dear Mr. Pemberton, your appointment is confirmed for Monday.', 'ORGANIZATION')).toEqual([]);
  });

  it('does not take a street for a name', () => {
    expect(found('Please ship it to Mr. Wojtek Zielinski, ul. Grzybowska 17/3, 00-132 Warszawa.', 'PERSON')).toEqual(['Mr. Wojtek Zielinski']);
    expect(found('Send it to Jonas Weber, Lindenstraße 9, Köln.', 'PERSON')).toEqual(['Jonas Weber']);
  });

  it('does not take a week day for a name, nor a birth date and its labels for an address', () => {
    const text = 'Patient: Odalys Brennerman, DOB 07/22/1979, SSN 219-09-9999, seen by Dr. Quillfeather on Thursday.';
    expect(found(text, 'PERSON')).not.toContain('Thursday');
    expect(found(text, 'ADDRESS')).toEqual([]);
    expect(found(text, 'DATE_TIME')).toContain('07/22/1979');
    expect(found('Parcel for ul. Lipowa 84/92, 00-514 Lublin', 'ADDRESS').join(' ')).toContain('84/92');
  });

  it('reports a bare number as an address only when it is named as a zip code', () => {
    expect(found('My zip code is 58214', 'ADDRESS')).toEqual(['58214']);
    expect(found('My zip code is 101', 'ADDRESS')).toEqual(['101']); // three-digit codes exist (Iceland, Faroe)
    expect(found('listening on localhost:8080 now', 'ADDRESS')).toEqual([]);
  });

  it('takes the postcode on the last line of a multi-line postal address as part of it', () => {
    const letter = 'Ship it to:\n  29 Jagerij 64\n  Apt. 591\n  Mazée\n\n  Belgium 65260\nThanks!';
    expect(found(letter, 'ADDRESS')).toContain('65260');
    const alone = 'Billing address:\n    Ul. Kwiatowa 10 Apt. 360\n    Wrocław\n    53-320';
    expect(found(alone, 'ADDRESS')).toContain('53-320');
  });

  it('leaves a number on a line of its own alone when no address precedes it', () => {
    expect(found('Chapter one ends here.\n\n4711', 'ADDRESS')).toEqual([]);
    expect(found('12 Main Street is where we met, and it is a long way from the station.\n4711', 'ADDRESS')).not.toContain('4711');
  });

  it('finds postcodes after 4 MiB of addresses in bounded time', () => {
    const text = '12 Main Street\n  Apt. 5\n  Springfield\n  Norway 65260\n'.repeat(80_000);
    const t = performance.now();
    const n = found(text, 'ADDRESS').filter((v) => v.includes('65260')).length;
    expect(performance.now() - t).toBeLessThan(20_000);
    expect(n).toBeGreaterThan(1_000);
  });
});

describe('offsets', () => {
  it('uses UTF-16 offsets after astral-plane characters', () => {
    const text = '😀𝒳 mail me: ana@corp.example.io';
    const [e] = detectEntities(text);
    expect(e?.type).toBe('EMAIL');
    expect(text.slice(e?.start, e?.end)).toBe('ana@corp.example.io');
  });

  it('returns sorted, non-overlapping entities', () => {
    const text = 'Jane Roe, jane@roe.org, http://roe.org/x, 4111-1111-1111-1111, 10 Downing Street';
    const es = detectEntities(text);
    for (let i = 1; i < es.length; i++) expect(es[i]!.start).toBeGreaterThanOrEqual(es[i - 1]!.end);
  });
});
