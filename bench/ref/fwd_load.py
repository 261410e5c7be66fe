#!/usr/bin/env python3
"""Load for bench/forward.sh: idle forwarded connections (an upstream and many clients in one
asyncio process), loopback only. The many-connections load is FwdLoad.java.

  fwd_load.py idle UP_PORT FWD_PORT N HOLD_SECONDS
      upstream accepts and holds; N clients connect through the forwarder and hold. Prints "held N"
      once the upstream has accepted N connections (every client is forwarded), then holds for
      HOLD_SECONDS (the caller samples memory meanwhile) and exits.
"""
import asyncio
import resource
import sys

soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


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
    sys.exit(asyncio.run(idle(up, fwd, n, float(x))))


if __name__ == "__main__":
    main()
