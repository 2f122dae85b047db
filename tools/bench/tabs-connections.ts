import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** `st` of a /proc/net/tcp row for an established connection. */
const ESTABLISHED = '01';

/**
 * How many ESTABLISHED TCP connections the process `rootPid` and every process under it
 * (Chromium's renderers, GPU and network service processes) hold to `port`, read from /proc:
 * the processes' socket inodes matched against the rows of /proc/net/tcp and tcp6 whose
 * remote port is `port`. Idle keep-alive sockets the browser pools count too: it holds them.
 */
export function countConnectionsTo(rootPid: number, port: number): number {
  const inodes = new Set(processTree(rootPid).flatMap(socketInodes));
  const remotePort = port.toString(16).toUpperCase().padStart(4, '0');
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      if (fields[2].endsWith(`:${remotePort}`) && fields[3] === ESTABLISHED && inodes.has(fields[9])) count += 1;
    }
  }
  return count;
}

/** `rootPid` and all its descendants, from each process's parent in /proc/<pid>/stat. */
function processTree(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readOrNull(() => readFileSync(`/proc/${name}/stat`, 'utf8'));
    if (!stat) continue;
    // The command name may hold spaces and parentheses: the fields after it start past the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const tree = [rootPid];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(children.get(tree[index]) ?? []));
  return tree;
}

/** The inodes of the sockets a process has open (`socket:[inode]` file descriptors). */
function socketInodes(pid: number): string[] {
  const fds = readOrNull(() => readdirSync(`/proc/${pid}/fd`)) ?? [];
  return fds.flatMap((fd) => {
    const target = readOrNull(() => readlinkSync(`/proc/${pid}/fd/${fd}`));
    const inode = target && /^socket:\[(\d+)\]$/.exec(target)?.[1];
    return inode ? [inode] : [];
  });
}

/** A process may end, or close a descriptor, between listing and reading it. */
function readOrNull<T>(read: () => T): T | null {
  try {
    return read();
  } catch {
    return null;
  }
}
