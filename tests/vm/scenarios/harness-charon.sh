# vm: serial (sanity check of the harness, before anything runs beside it)
# The harness's strongSwan helpers work: a charon in its own namespace
# (private /run) answers swanctl over its vici socket.
ns_add hca
charon_conf "$SCEN_TMP/hca" hca
charon_start hca "$SCEN_TMP/hca"
out=$(swanctl_ns hca --stats) || fail "swanctl --stats"
assert_match "charon answers over vici" "$out" "uptime: "
info "$(echo "$out" | head -n 1)"
