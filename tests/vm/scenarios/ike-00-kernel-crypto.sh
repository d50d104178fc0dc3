# vm: serial (changes module loading for the whole guest; runs first)
# Loads the ESP modules and instantiates, once per boot, every ESP
# algorithm the IKE scenarios negotiate (ike_kernel_warmup in ike-lib.sh).
# Under qemu without KVM the first SA of an algorithm otherwise takes tens
# of seconds inside a scenario, and outlasts the daemons' retransmissions.
. "$VM_DIR/ike/ike-lib.sh"
ike_kernel_warmup
