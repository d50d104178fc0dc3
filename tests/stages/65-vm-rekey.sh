#!/bin/sh
# Real-kernel rekeying scenarios (tests/vm/scenarios/rekey-*.sh) in their own
# boot of the Debian kernel (same machinery as 60-vm).
VM_STAGE=65-vm-rekey
VM_SCENARIOS="ike-00* rekey-*"
# 14 scenarios of 60-110 s each under TCG; CI has 90 minutes for everything
VM_STAGE_TIMEOUT=1800
export VM_STAGE VM_SCENARIOS VM_STAGE_TIMEOUT
exec sh "$(dirname "$0")/60-vm.sh"
