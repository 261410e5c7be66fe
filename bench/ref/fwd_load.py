#!/usr/bin/env python3
"""Load for bench/forward.sh: an upstream server and many clients in one asyncio process, loopback only.

  fwd_load.py digest UP_PORT FWD_PORT N SIZE
      upstream on 127.0.0.1:UP_PORT reads each connection to its FIN and answers with the sha256 of
      what it got; N clients connect to the forwarder on 127.0.0.1:FWD_PORT at once, each sends SIZE
      bytes (its own pseudo-random content), half-closes and checks the digest it gets back.
      Prints "ok N/N seconds S" (S from the first connect to the last digest); exit 1 if any failed.
  fwd_load.py idle UP_PORT FWD_PORT N HOLD_SECONDS
      upstream accepts and holds; N clients connect through the forwarder and hold. Prints "held N"
      once the upstream has accepted N connections (every client is forwarded), then holds for
      HOLD_SECONDS (the caller samples memory meanwhile) and exits.
"""
import asyncio
import hashlib
import resource
import sys
import time

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def payload(i, size):
    seed = hashlib.sha256(str(i).encode()).digest()  # each connection its own bytes
    return (seed * (size // len(seed) + 1))[:size]


async def digest_upstream(reader, writer):
    h = hashlib.sha256()
    while True:
        chunk = await reader.read(1 << 18)
        if not chunk:
            break
        h.update(chunk)
    writer.write(h.hexdigest().encode())
    await writer.drain()
    writer.close()


async def digest_client(port, i, size, results):
    data = payload(i, size)
    want = hashlib.sha256(data).hexdigest().encode()
    for attempt in range(3):  # a listener with a small backlog may drop a SYN under load: retry, bounded
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
            break
        except (OSError, asyncio.TimeoutError):
            await asyncio.sleep(0.1)
    else:
        results.append(False)
        return
    try:
        writer.write(data)
        await writer.drain()
        writer.write_eof()
        got = await asyncio.wait_for(reader.read(), 120)
    except (OSError, asyncio.TimeoutError):
        got = None  # reset or closed early: counts as failed
    writer.close()
    results.append(got == want)


async def digest(up, fwd, n, size):
    server = await asyncio.start_server(digest_upstream, "127.0.0.1", up, backlog=4096)
    results = []
    t0 = time.monotonic()
    await asyncio.gather(*(digest_client(fwd, i, size, results) for i in range(n)))
    dt = time.monotonic() - t0
    server.close()
    ok = sum(results)
    print(f"ok {ok}/{n} seconds {dt:.3f}", flush=True)
    return 0 if ok == n else 1


async def idle(up, fwd, n, hold):
    accepted = 0
    done = asyncio.Event()
    held = []

    async def keep(reader, writer):
        nonlocal accepted
        accepted += 1
        held.append(writer)
        if accepted == n:
            done.set()
        await reader.read()  # until the end

    server = await asyncio.start_server(keep, "127.0.0.1", up, backlog=4096)
    clients = []
    for i in range(n):
        clients.append(await asyncio.wait_for(asyncio.open_connection("127.0.0.1", fwd), 30))
    await asyncio.wait_for(done.wait(), 60)
    print(f"held {accepted}", flush=True)
    await asyncio.sleep(hold)
    server.close()
    return 0


def main():
    mode, up, fwd, n, x = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    if mode == "digest":
        sys.exit(asyncio.run(digest(up, fwd, n, int(x))))
    sys.exit(asyncio.run(idle(up, fwd, n, float(x))))


if __name__ == "__main__":
    main()
