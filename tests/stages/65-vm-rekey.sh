#!/bin/sh
# Real-kernel rekeying scenarios (tests/vm/scenarios/rekey-*.sh) in their own
# boot of the Debian kernel (same machinery as 60-vm).
VM_STAGE=65-vm-rekey
VM_SCENARIOS="ike-00* rekey-*"
export VM_STAGE VM_SCENARIOS
exec sh "$(dirname "$0")/60-vm.sh"
