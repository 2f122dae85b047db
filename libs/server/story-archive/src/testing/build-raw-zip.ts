import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a hand-made ZIP; every field past `name` can lie, which is the point. */
export interface RawZipEntry {
  /** A string is written as UTF-8 bytes as is: backslashes, `..` and all. */
  name: string | Buffer;
  data?: Buffer;
  method?: 'stored' | 'deflated';
  /** The uncompressed size both headers claim; the real size when left out. */
  claimedSize?: number;
  /** The CRC-32 both headers claim; that of `data` when left out. */
  claimedCrc?: number;
  /** General purpose bits, e.g. 0x1 (encrypted). */
  flags?: number;
  /** The unix mode, put where unzip tools look for it (the top 16 bits). */
  unixMode?: number;
}

const DOS_TIME = 0;
const DOS_DATE = (2024 - 1980) << 9 | 1 << 5 | 1;
const UNIX_MADE_BY = 0x031e;

/**
 * Writes a ZIP byte for byte — local headers, central directory, end record — for the names
 * and headers yazl rightly refuses to produce. Test-only: never exported from the library.
 */
export function buildRawZip(entries: RawZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = typeof entry.name === 'string' ? Buffer.from(entry.name, 'utf8') : entry.name;
    const data = entry.data ?? Buffer.alloc(0);
    const packed = entry.method === 'deflated' ? deflateRawSync(data) : data;
    const fields = {
      flags: entry.flags ?? 0x800,
      method: entry.method === 'deflated' ? 8 : 0,
      crc: entry.claimedCrc ?? crc32(data),
      compressedSize: packed.length,
      uncompressedSize: entry.claimedSize ?? data.length,
      nameLength: name.length,
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    writeCommonFields(local, 6, fields);
    locals.push(local, name, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(UNIX_MADE_BY, 4);
    central.writeUInt16LE(20, 6);
    writeCommonFields(central, 8, fields);
    central.writeUInt32LE(((entry.unixMode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Flags through name length sit in the same order in both headers, only at different offsets. */
function writeCommonFields(
  header: Buffer,
  at: number,
  fields: { flags: number; method: number; crc: number; compressedSize: number; uncompressedSize: number; nameLength: number },
): void {
  header.writeUInt16LE(fields.flags, at);
  header.writeUInt16LE(fields.method, at + 2);
  header.writeUInt16LE(DOS_TIME, at + 4);
  header.writeUInt16LE(DOS_DATE, at + 6);
  header.writeUInt32LE(fields.crc, at + 8);
  header.writeUInt32LE(fields.compressedSize, at + 12);
  header.writeUInt32LE(fields.uncompressedSize, at + 16);
  header.writeUInt16LE(fields.nameLength, at + 20);
}
