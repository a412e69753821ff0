#!/usr/bin/env bash
# two_hosts.sh MPIRUN PROGRAM [ARGS...]: runs PROGRAM as two MPI ranks on two "hosts" of this
# machine: two network namespaces joined by a veth pair (10.213.0.1 and 10.213.0.2), so that the
# ranks talk over TCP as on a cluster. mpirun starts in the first; it reaches the second through a
# remote-shell agent that enters that namespace (as ssh would log in to the other machine).
# Exits 77 when this sandbox cannot create network namespaces (needs root and CAP_SYS_ADMIN).
set -u
mpirun=$1
shift
tag=$$
a=ember-a-$tag b=ember-b-$tag work=$(mktemp -d)
cleanup() {
  ip netns del "$a" 2>/dev/null
  ip netns del "$b" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
if ! ip netns add "$a" 2>"$work/err" || ! ip netns add "$b" 2>>"$work/err"; then
  echo "two_hosts.sh: cannot create network namespaces here: $(cat "$work/err")"
  exit 77
fi
set -e
ip link add "ea$tag" netns "$a" type veth peer name "eb$tag" netns "$b"
ip -n "$a" addr add 10.213.0.1/24 dev "ea$tag"
ip -n "$b" addr add 10.213.0.2/24 dev "eb$tag"
for ns in "$a" "$b"; do ip -n "$ns" link set lo up; done
ip -n "$a" link set "ea$tag" up
ip -n "$b" link set "eb$tag" up
cat >"$work/rsh" <<EOF
#!/bin/sh
# mpirun's remote shell: HOST COMMAND... runs COMMAND in HOST's namespace.
host=\$1
shift
case \$host in
  10.213.0.1) ns=$a ;;
  10.213.0.2) ns=$b ;;
  *) echo "two_hosts.sh: unknown host \$host" >&2; exit 1 ;;
esac
exec ip netns exec \$ns sh -c "\$*"
EOF
chmod +x "$work/rsh"
set +e
ip netns exec "$a" "$mpirun" --host 10.213.0.1:1,10.213.0.2:1 -np 2 --mca plm_rsh_agent "$work/rsh" \
  --mca btl tcp,self --mca btl_tcp_if_include 10.213.0.0/24 --mca oob_tcp_if_include 10.213.0.0/24 "$@"
