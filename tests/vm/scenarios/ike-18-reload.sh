# Reload keeps running SAs when only settings for the next rekey or DPD
# check change, replaces them when selectors change: ikedaemon (A) and
# strongSwan (B), tunnel up, a ping across.  Under the ping A's rekey_time
# (10m -> 30m), dpd_delay and ESP proposals for the next rekey are changed
# and reloaded: `ikectl reload --dry-run` announces the SAs kept, the reload
# keeps them (same inbound SPI, same IKE SA), no ping is lost.  Then A's
# local_ts is widened (10.1.0.0/24 -> 10.1.0.0/16, B narrows it back): the
# dry run says the SAs are replaced because of local_ts, the reload deletes
# them (both kernels), and a new initiation brings the tunnel back.
. "$VM_DIR/ike/ike-lib.sh"
. "$VM_DIR/ike/rekey-lib.sh"
ike_topo 4 tunnel

# reload_expect DRY-ERE DONE-ERE: side A's `ikectl reload --dry-run` says
# DRY-ERE, then its reload says DONE-ERE.
reload_expect() {
	out=$(ike_ctl A reload --dry-run 2>&1) || fail "ikectl reload --dry-run: $out"
	info "dry run: $(printf '%s\n' "$out" | paste -sd' ' -)"
	printf '%s\n' "$out" | grep -Eq "$1" || fail "the dry run does not say /$1/: $out"
	out=$(ike_ctl A reload 2>&1) || fail "ikectl reload: $out"
	info "reload: $(printf '%s\n' "$out" | paste -sd' ' -)"
	printf '%s\n' "$out" | grep -Eq "$2" || fail "the reload does not say /$2/: $out"
}

RK_CHILD_A="rekey_time=10m"
ike_start A self
ike_start B charon
ike_initiate A
ike_wait_up A B
spi0=$(_rk_spis_in)
ike0=$(ike_ctl A show sa --json | tr -d ' \n' | sed -n 's/.*"id":\([0-9]*\).*/\1/p' | head -n 1)
info "tunnel up: IKE SA ${ike0:-?}, side A's inbound SPI $spi0"

rk_ping_start 20
sleep 4
RK_CHILD_A="rekey_time=30m"
RK_CONN_A="dpd_delay=30s"
CF_ESP_A="aes256gcm16,aes128gcm16"
ike_write_conf A self
reload_expect "keeps its SAs" "kept its SAs"
rk_ping_wait
rk_assert_loss 0
spi1=$(_rk_spis_in)
[ "$spi1" = "$spi0" ] || fail "side A's inbound SPI changed over the reload: $spi0 -> $spi1"
info "after the reload: SPI $spi1 kept, no ping lost"

CF_TS_A=10.1.0.0/16
ike_write_conf A self
CF_TS_A=$NET_A
reload_expect "replaces its SAs.*local_ts" "replaced its SAs"
ike_wait_no_sas
info "the replaced SAs are gone from both kernels"
ike_initiate A
ike_wait_up A B
ike_assert_traffic
spi2=$(_rk_spis_in)
[ "$spi2" != "$spi0" ] || fail "a new CHILD SA should have a new SPI ($spi2)"
ike_terminate A
ike_wait_clean
ike_stop_all
ike_assert_clean
