/** Literals the server compares exactly with the stored value (issue 11). */
import { describe, expect, it } from 'vitest';
import { floatLiteral, literalsFor } from '../../../src/apply/sql-text.js';
import { column } from '../../helpers/plan-builders.js';

describe('literalsFor', () => {
  const [int, big, dec, flt, dbl, text] = literalsFor([
    column('i', 'int'),
    column('b', 'bigint unsigned'),
    column('d', 'decimal(65,30)'),
    column('f', 'float'),
    column('x', 'double'),
    column('t', 'varchar(10)'),
  ]);

  it('integers and decimals go unquoted: compared as integers and decimals, never as doubles', () => {
    expect(int!('-42')).toBe('-42');
    expect(big!('18446744073709551615')).toBe('18446744073709551615');
    expect(dec!('0.100000000000000000000000000001')).toBe('0.100000000000000000000000000001');
    expect(dec!('-12.50')).toBe('-12.50');
  });

  it('text that is not a canonical number stays a quoted string', () => {
    expect(int!("1' OR '1")).toBe(String.raw`'1\' OR \'1'`);
    expect(dec!('1e5')).toBe("'1e5'");
  });

  it('FLOAT goes as the double the float32 is', () => {
    expect(flt!('1.1')).toBe("'1.100000023841858'");
    expect(flt!('3.5')).toBe("'3.5'");
    expect(flt!('1e-40')).toBe("'9.99994610111476e-41'");
    expect(floatLiteral('3.4028234663852886e+38')).toBe("'3.4028234663852886e+38'");
    expect(flt!('-0.1')).toBe("'-0.10000000149011612'");
  });

  it('BINARY, VARBINARY and BLOB go as their bytes, X\'…\' (a string would be sent as UTF-8)', () => {
    const [varbinary, blob] = literalsFor([column('v', 'varbinary(10)'), column('b', 'blob')]);
    expect(varbinary!('\u00ff\u0000\u00c3')).toBe("X'FF00C3'");
    expect(blob!("a'\\")).toBe("X'61275C'");
    expect(blob!('')).toBe("X''");
  });

  it('DOUBLE and text stay strings', () => {
    expect(dbl!('0.1')).toBe("'0.1'");
    expect(text!('abc')).toBe("'abc'");
  });
});
