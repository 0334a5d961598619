#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the VM for `make demo` (xmsg.ko is already loaded).
set -e
export PATH=/xmsg/bin:/xmsg/examples:$PATH

step() { printf '\n=== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "kernel $(uname -r), /dev/xmsg is $(ls -l /dev/xmsg | cut -c1-10)"
run xmsgctl feature show

step "a pool of 64 blocks of 256 bytes, a normal and a broadcast exchange"
run xmsgctl pool create demo-pool 256 64 -m 0666
run xmsgctl xchg create demo-x -k normal -m 0666
run xmsgctl xchg create demo-b -k bcast -m 0666
run xmsgctl list

step "send three messages with priorities; they queue by priority"
run xmsgctl msg send demo-x demo-pool "low priority hello" -p 1
run xmsgctl msg send demo-x demo-pool "HIGH priority hello" -p 9
run xmsgctl msg send demo-x demo-pool "another low one" -p 1
run xmsgctl pool info demo-pool
run xmsgctl xchg info demo-x

step "receive them (another process each time): highest priority first"
run xmsgctl msg recv demo-x -v
run xmsgctl msg recv demo-x -v
run xmsgctl msg recv demo-x -v
printf '$ xmsgctl msg recv demo-x   # nothing left: exit code 3\n'
rc=0; xmsgctl msg recv demo-x || rc=$?; echo "exit code $rc"
[ "$rc" -eq 3 ]

step "broadcast: three receivers wait, one sticky message wakes them all"
rx=""
for i in 1 2 3; do
	( xmsgctl msg recv demo-b -T 20000 | sed "s/^/receiver $i got: /" ) &
	rx="$rx $!"
done
sleep 1
printf '$ xmsgctl msg send demo-b demo-pool "news for everyone" -w 4000 &\n'
printf '  (the sender owns the message; -w keeps it posted for 4 s)\n'
xmsgctl msg send demo-b demo-pool "news for everyone" -w 4000 &
sender=$!
# shellcheck disable=SC2086
wait $rx
printf '$ xmsgctl msg recv demo-b   # a later receiver gets it at once\n'
xmsgctl msg recv demo-b | sed 's/^/late receiver got: /'
run xmsgctl pool info demo-pool
printf '$ wait   # the sender exits: its broadcast post is withdrawn\n'
wait $sender
run xmsgctl pool info demo-pool

step "a receive ring: messages arrive in shared memory, no system call each"
printf '$ xmsgctl ring read demo-x demo-pool -n 3 -T 10000 -v > ring.out 2>&1 &\n'
xmsgctl ring read demo-x demo-pool -n 3 -T 10000 -v > /tmp/ring.out 2>&1 &
reader=$!
sleep 1
run xmsgctl msg send demo-x demo-pool "first into the ring"
run xmsgctl msg send demo-x demo-pool "second" -p 5
run xmsgctl msg send demo-x demo-pool "third"
wait $reader
printf '$ cat ring.out   # what the ring reader printed\n'
cat /tmp/ring.out
printf '$ xmsgctl pool info demo-pool   # the reader closed its ring: all blocks back\n'
xmsgctl pool info demo-pool

step "client/server through a normal exchange, replies via the reply handle"
run client_server 2 3

step "broadcast protocol: master, 4 slaves, a threshold semaphore and a gate"
run broadcast 4 3

step "multicast: distributed message assembly with proxies"
run multicast 2

step "destroying an exchange releases the messages queued there"
run xmsgctl msg send demo-x demo-pool "nobody will read this"
run xmsgctl xchg info demo-x
run xmsgctl xchg destroy demo-x
run xmsgctl xchg destroy demo-b
run xmsgctl pool info demo-pool
run xmsgctl pool destroy demo-pool
step "demo done"
