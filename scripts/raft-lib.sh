# shellcheck shell=bash
# raft-lib.sh: what scripts/weft-lab and the tests (tests/testlib.sh) ask a
# member of weft's clustered database (issue #16) through its unixctl socket,
# i.e. ovsdb-server's `cluster/status Weft`; sourced, it runs nothing and
# sets nothing else.  Each question has a 5 s timeout, so a member that is
# down or stopped (SIGSTOP) is a plain failure, never a hang.
#
#   raft_member_status CTL    prints member CTL's cluster/status Weft
#   raft_member_joined CTL    CTL's server is a member of the cluster (not
#                             still joining, e.g. just restarted on its file)
#   raft_member_role CTL      prints its Raft role: leader, follower, ...
#   raft_leader CTL...        prints the position (1 = the first CTL) of the
#                             first member whose role is leader; fails if
#                             none is (an election under way, no quorum)

raft_member_status() {
    ovs-appctl --timeout=5 -t "$1" cluster/status Weft 2>/dev/null
}

raft_member_joined() {
    raft_member_status "$1" | grep -q '^Status: cluster member'
}

raft_member_role() {
    raft_member_status "$1" | sed -n 's/^Role: //p'
}

raft_leader() {
    local i=0 ctl
    for ctl in "$@"; do
        i=$((i + 1))
        if [ "$(raft_member_role "$ctl")" = leader ]; then
            echo "$i"
            return 0
        fi
    done
    return 1
}
