#!/usr/bin/env bash
# One machine as two hosts, to run descent under mpirun across hosts without a second machine:
# two network namespaces joined by a veth pair (10.77.0.1 and 10.77.0.2), each with its own host
# name and its own files — in each host's mount namespace the folder DIR/host is that host's own
# (DIR/host1 or DIR/host2 bound there): its working folder and its DESCENT_HOME — so the hosts
# share no file there. mpirun starts on the first and reaches the second through an rsh agent
# (DIR/agent.sh) that enters its namespaces, as ssh would log in, over TCP.
#
# As root (it makes namespaces), from anywhere:
#   bash scripts/two-hosts.sh COMMAND...     e.g. bash scripts/two-hosts.sh descent train --data mnist5k --epochs 1
# runs `mpirun -np 2` (one rank a host) with COMMAND from the first host's folder, then removes
# the namespaces and prints where the hosts' folders are (kept). Neither host reaches a network:
# both download caches are seeded from this machine's data home (${DESCENT_HOME:-~/.descent/data}/downloads).
# scripts/end-to-end/two-hosts.sh sources this file for its functions.

two_hosts_setup() {  # DIR: the namespaces, the link, the agent, and each host's folder
  local dir=$1
  two_hosts_dir=$dir
  ns1=descent-a$$ ns2=descent-b$$
  ip netns add "$ns1" && ip netns add "$ns2" &&
    ip link add "vda$$" type veth peer name "vdb$$" &&
    ip link set "vda$$" netns "$ns1" && ip link set "vdb$$" netns "$ns2" &&
    ip -n "$ns1" addr add 10.77.0.1/24 dev "vda$$" && ip -n "$ns2" addr add 10.77.0.2/24 dev "vdb$$" &&
    ip -n "$ns1" link set "vda$$" up && ip -n "$ns2" link set "vdb$$" up &&
    ip -n "$ns1" link set lo up && ip -n "$ns2" link set lo up || return 1
  mkdir -p "$dir/host" "$dir/host1/home" "$dir/host2/home"
  # The agent, called as ssh is ("agent HOST COMMAND LINE"), runs the line in HOST's namespaces,
  # with its host name, its files at DIR/host, and DESCENT_HOME there.
  cat >"$dir/agent.sh" <<AGENT
#!/bin/sh
while [ \$# -gt 0 ]; do case "\$1" in -*) shift ;; *) break ;; esac; done
host=\$1; shift
case "\$host" in
  10.77.0.1) ns=$ns1; n=1 ;;
  10.77.0.2) ns=$ns2; n=2 ;;
  *) echo "agent: unknown host \$host" >&2; exit 1 ;;
esac
exec ip netns exec "\$ns" unshare --uts --mount sh -c 'hostname descent-host\$0; mount --bind "$dir/host\$0" "$dir/host"; cd "$dir/host"; export DESCENT_HOME="$dir/host/home"; eval "\$1"' "\$n" "\$*"
AGENT
  chmod +x "$dir/agent.sh"
  two_hosts=(mpirun --allow-run-as-root --host 10.77.0.1:1,10.77.0.2:1 -np 2 --mca plm_rsh_agent "$dir/agent.sh"
    --mca btl tcp,self --mca oob_tcp_if_include 10.77.0.0/24 --mca btl_tcp_if_include 10.77.0.0/24)
}
two_hosts_teardown() { ip netns delete "$ns1" 2>/dev/null; ip netns delete "$ns2" 2>/dev/null; }
on_host1() {  # COMMAND...: runs it on the first host (where mpirun starts)
  ip netns exec "$ns1" unshare --uts --mount sh -c 'hostname descent-host1; mount --bind "$0/host1" "$0/host"; cd "$0/host"; export DESCENT_HOME="$0/host/home"; exec "$@"' "$two_hosts_dir" "$@"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -uo pipefail
  [ $# -ge 1 ] || { echo "usage: bash scripts/two-hosts.sh COMMAND..." >&2; exit 2; }
  [ "$(id -u)" -eq 0 ] || { echo "scripts/two-hosts.sh makes network namespaces: run it as root" >&2; exit 2; }
  program=$(command -v "$1") || { echo "scripts/two-hosts.sh: no such command: $1" >&2; exit 2; }
  shift
  dir=$(mktemp -d /tmp/descent-two-hosts.XXXXXX)
  two_hosts_setup "$dir" || { echo "scripts/two-hosts.sh: could not make the namespaces and their link" >&2; two_hosts_teardown; exit 1; }
  downloads="${DESCENT_HOME:-$HOME/.descent/data}/downloads"
  for n in 1 2; do [ -d "$downloads" ] && cp -r "$downloads" "$dir/host$n/home/"; done
  on_host1 "${two_hosts[@]}" "$program" "$@"
  status=$?
  two_hosts_teardown
  echo "the hosts' folders (working folder and DESCENT_HOME/: home): $dir/host1 and $dir/host2" >&2
  exit $status
fi
