const END_OF_DIRECTORY = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;

/**
 * A copy of `zip` with one byte of the entry `name` inverted, as a bad disk or a broken
 * download would leave it; `index` counts from the end when negative. Only a stored entry
 * is accepted: there the flipped byte is a flipped byte of the file, which only its
 * CRC-32 can catch, where in deflated data it might as well break the inflater.
 * Finds the entry through the central directory, so it works on any ZIP without ZIP64.
 */
export function flipEntryByte(zip: Buffer, name: string, index = -1): Buffer {
  const entry = findCentralEntry(zip, name);
  if (entry.method !== STORED) throw new Error(`${name} is not stored (method ${entry.method}), so flipping a byte would not only damage its checksum`);
  if (zip.readUInt32LE(entry.localOffset) !== LOCAL_HEADER) throw new Error(`no local header of ${name} at ${entry.localOffset}`);
  const dataStart = entry.localOffset + 30 + zip.readUInt16LE(entry.localOffset + 26) + zip.readUInt16LE(entry.localOffset + 28);
  const at = index < 0 ? entry.compressedSize + index : index;
  if (at < 0 || at >= entry.compressedSize) throw new RangeError(`${name} holds ${entry.compressedSize} bytes; there is no byte ${index}`);
  const damaged = Buffer.from(zip);
  damaged[dataStart + at] ^= 0xff;
  return damaged;
}

function findCentralEntry(zip: Buffer, name: string): { method: number; compressedSize: number; localOffset: number } {
  const end = zip.lastIndexOf(uint32(END_OF_DIRECTORY));
  if (end < 0) throw new Error('no end of central directory record');
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  for (let entry = 0; entry < count; entry += 1) {
    if (zip.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error(`no central directory header at ${at}`);
    const nameLength = zip.readUInt16LE(at + 28);
    if (zip.toString('utf8', at + 46, at + 46 + nameLength) === name) {
      return { method: zip.readUInt16LE(at + 10), compressedSize: zip.readUInt32LE(at + 20), localOffset: zip.readUInt32LE(at + 42) };
    }
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  throw new Error(`the archive holds no ${name}`);
}

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32LE(value);
  return bytes;
}
