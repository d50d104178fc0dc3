#!/bin/sh
# The Debian package: build it from a clean copy of the tree, lint it,
# install it with apt-get, check what it installed, upgrade it over a
# locally edited /etc/ike.conf, then purge it and check nothing is left.
# Needs root (it installs the package on this machine; the package is
# purged again on every exit path).
set -eu

# Each verified property counts as one test in run-all.sh's totals.
npass=0
say() { echo "80-deb: $*"; }
passed() { npass=$((npass + 1)); }
fail() {
	echo "80-deb: FAIL: $*"
	mkdir -p "$WORK/results" && echo "$npass 1" >"$WORK/results/80-deb.counts"
	exit 1
}

if [ "$(id -u)" != 0 ]; then
	say "skip: needs root to install the package"
	exit 77
fi
for tool in dpkg-buildpackage dh lintian fakeroot apt-get systemd-analyze man; do
	command -v "$tool" >/dev/null || {
		say "skip: $tool not installed (tools/install-deps.sh test)"
		exit 77
	}
done
# The package is the daemon; without it in the tree there is nothing to pack.
# shellcheck disable=SC2046
if ! grep -Eqs '^sbin_PROGRAMS[[:space:]]*\+?=.*ikedaemon' \
	$(find "$SRCDIR/src" -name local.mk); then
	say "skip: the tree does not build sbin/ikedaemon yet"
	exit 77
fi
# Any state but "not installed" (a failed unpack leaves "in": known to dpkg,
# nothing on disk) means someone else's ikedaemon package is here.
case $(dpkg-query -W -f='${db:Status-Abbrev}' ikedaemon 2>/dev/null) in
"" | ?n*) ;;
*)
	fail "package ikedaemon already installed here; purge it first" ;;
esac

src="$WORK/deb-src"
arch=$(dpkg --print-architecture)
version=$(dpkg-parsechangelog -l "$SRCDIR/debian/changelog" -S Version)
deb="$WORK/ikedaemon_${version}_${arch}.deb"
changes="$WORK/ikedaemon_${version}_${arch}.changes"
conf=/etc/ike.conf
unit=/lib/systemd/system/ikedaemon.service
wants=/etc/systemd/system/multi-user.target.wants/ikedaemon.service

# Booting the distribution kernel in qemu with systemd as init, over the
# host's root (read-only 9p, see /work/shared/VM-HARNESS.md): the installed
# package is visible there, so debian/tests/service runs against it under
# a real systemd.
kver=$(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -1)
vm_systemd_possible() {
	command -v qemu-system-x86_64 >/dev/null && command -v busybox >/dev/null &&
		[ -n "$kver" ] && [ -f "/boot/vmlinuz-$kver" ] &&
		[ -f "/lib/modules/$kver/kernel/fs/9p/9p.ko" ] && [ -x /lib/systemd/systemd ]
}

vm_systemd_service_test() {
	vm="$WORK/deb-vm"
	rm -rf "$vm" && mkdir -p "$vm/initrd/bin" "$vm/initrd/mod" "$vm/out"
	cp "$(command -v busybox)" "$vm/initrd/bin/busybox"
	for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev \
		virtio_pci netfs fscache 9pnet 9pnet_virtio 9p; do
		f=$(find "/lib/modules/$kver/kernel" -name "$m.ko*" | head -1)
		[ -n "$f" ] && cp "$f" "$vm/initrd/mod/" && echo "$m" >>"$vm/initrd/mod/order"
	done
	# The guest's test files travel in the initramfs (the guest's /tmp is
	# its own): a target that runs debian/tests/service, then powers off.
	# The unit is named on systemd's command line: a host root that is a
	# container image makes systemd believe it is in a container, and then
	# it ignores systemd.unit= on the kernel command line.
	t="$vm/initrd/vmtest"
	mkdir -p "$t"
	cp "$src/debian/tests/service" "$src/debian/tests/restart-trap" "$t/"
	printf '%s\n' '[Unit]' 'Description=ikedaemon package test' \
		'Requires=vmtest.service' 'After=vmtest.service' 'AllowIsolate=yes' \
		>"$t/vmtest.target"
	printf '%s\n' '[Unit]' 'After=basic.target' '[Service]' 'Type=oneshot' \
		'StandardOutput=journal+console' 'ExecStart=/bin/sh /run/vmtest/guest.sh' \
		>"$t/vmtest.service"
	printf '%s\n' 'rc=0' 'sh /run/vmtest/service >/run/vmout/log 2>&1 || rc=$?' \
		'[ "$rc" != 0 ] || sh /run/vmtest/restart-trap >>/run/vmout/log 2>&1 || rc=$?' \
		'echo $rc >/run/vmout/rc' 'echo o >/proc/sysrq-trigger' >"$t/guest.sh"
	# shellcheck disable=SC2016
	printf '%s\n' '#!/bin/busybox sh' '/bin/busybox --install -s /bin' \
		'mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev' \
		'for m in $(cat /mod/order); do insmod /mod/$m.ko* 2>/dev/null; done' \
		'mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=262144 hostroot /newroot' \
		'for d in tmp run var/tmp var/lib var/log; do mount -t tmpfs tmpfs /newroot/$d; done' \
		'mkdir -p /newroot/run/vmout /newroot/run/systemd/system' \
		'mount -t 9p -o trans=virtio,version=9p2000.L out /newroot/run/vmout' \
		'cp -r /vmtest /newroot/run/vmtest' \
		'cp /vmtest/vmtest.target /vmtest/vmtest.service /newroot/run/systemd/system/' \
		'for d in proc sys dev; do mount --move /$d /newroot/$d; done' \
		'exec switch_root /newroot /lib/systemd/systemd --unit=vmtest.target --show-status=no' \
		>"$vm/initrd/init"
	chmod +x "$vm/initrd/init"
	(cd "$vm/initrd" && mkdir -p proc sys dev newroot && find . | cpio -o -H newc 2>/dev/null | gzip) >"$vm/initrd.gz"
	say "booting a systemd VM (kernel $kver) for debian/tests/service and restart-trap"
	# Software emulation (no KVM): about a minute on an idle 2-core machine,
	# several under load; the bound is generous.
	vm_rc=0
	timeout 480 qemu-system-x86_64 -m 1024 -smp 2 -nographic -no-reboot \
		-kernel "/boot/vmlinuz-$kver" -initrd "$vm/initrd.gz" \
		-append "console=ttyS0 quiet panic=-1" \
		-fsdev local,id=r,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=r,mount_tag=hostroot \
		-fsdev local,id=o,path="$vm/out",security_model=none \
		-device virtio-9p-pci,fsdev=o,mount_tag=out \
		>"$vm/console.log" 2>&1 || vm_rc=$?
	cat "$vm/out/log" 2>/dev/null || tail -40 "$vm/console.log"
	[ "$vm_rc" != 124 ] || say "the VM did not finish within 480 s (console: $vm/console.log)"
	[ "$(cat "$vm/out/rc" 2>/dev/null)" = 0 ]
}

installed=0
cleanup() {
	if [ "$installed" = 1 ]; then
		apt-get purge -y -qq ikedaemon >/dev/null 2>&1 || true
	fi
}
trap cleanup EXIT INT TERM

# 1. A clean copy: the tracked and new (not ignored) files when the tree is
# a git checkout, else everything but build trees and generated files.
rm -rf "$src" "$WORK"/ikedaemon_*
mkdir -p "$src"
if git -C "$SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$SRCDIR" && git ls-files -z --cached --others --exclude-standard |
		tar --null --ignore-failed-read -T - -cf -) | tar -C "$src" -xf -
else
	tar -C "$SRCDIR" --exclude='./build*' --exclude=./autom4te.cache \
		--exclude=./debian/ikedaemon --exclude=./debian/.debhelper \
		-cf - . | tar -C "$src" -xf -
fi

# The RPM spec is kept in the tree but not built here: Debian has neither
# Fedora's build dependencies nor systemd-rpm-macros.  Lint it when
# rpmlint is available.
if command -v rpmlint >/dev/null; then
	say "rpmlint ikedaemon.spec"
	rpmlint "$src/ikedaemon.spec" || fail "rpmlint ikedaemon.spec"
	passed
fi

# 2. Build the binary package (configure, make, make check, install).
log="$WORK/deb-build.log"
say "dpkg-buildpackage -us -uc -b in $src (log: $log)"
(cd "$src" && DEB_BUILD_OPTIONS="parallel=2" dpkg-buildpackage -us -uc -b) \
	>"$log" 2>&1 || { tail -80 "$log"; fail "dpkg-buildpackage"; }
[ -f "$deb" ] || fail "no $deb after the build"
passed
grep -h '^# \(TOTAL\|PASS\|FAIL\|ERROR\)' "$src"/test-suite.log \
	"$src"/obj-*/test-suite.log 2>/dev/null || true

# 3. Lintian: errors fail the stage, warnings are shown.
say "lintian $changes"
lintian --fail-on error --display-info "$changes" 2>&1 |
	grep -v '^running with root privileges' | tee "$WORK/deb-lintian.log"
grep -q '^E: ' "$WORK/deb-lintian.log" && fail "lintian reported errors"
passed

# 4. The package's contents, before installing.
dpkg-deb -c "$deb" >"$WORK/deb-contents.txt"
for f in ./usr/sbin/ikedaemon ./etc/ike.conf ./lib/systemd/system/ikedaemon.service \
	./usr/share/man/man8/ikedaemon.8.gz ./usr/share/man/man8/ikectl.8.gz \
	./usr/share/man/man5/ike.conf.5.gz ./usr/share/doc/ikedaemon/copyright \
	./usr/share/doc/ikedaemon/examples/ike.conf; do
	grep -q " $f\$" "$WORK/deb-contents.txt" || fail "$f missing from $deb"
done
grep -Eq ' \./usr/s?bin/ikectl$' "$WORK/deb-contents.txt" ||
	fail "ikectl missing from $deb"
grep -q '^-rw------- root/root .* \./etc/ike\.conf$' "$WORK/deb-contents.txt" ||
	fail "etc/ike.conf in $deb is not -rw------- root/root: $(grep ike.conf "$WORK/deb-contents.txt")"
passed

# 5. Install with apt-get (pulls the shared libraries it depends on).
say "apt-get install $deb"
installed=1
apt-get install -y -qq "$deb" >"$WORK/deb-install.log" 2>&1 ||
	{ cat "$WORK/deb-install.log"; fail "apt-get install"; }
dpkg-query -W -f='${Conffiles}\n' ikedaemon | grep -q "^ $conf " ||
	fail "$conf is not a conffile"
[ "$(stat -c '%a %U' $conf)" = "600 root" ] ||
	fail "$conf: mode/owner $(stat -c '%a %U' $conf), want 600 root"
[ -L "$wants" ] || fail "unit not enabled: no $wants"
passed
ikedaemon -V || fail "ikedaemon -V"
example=/usr/share/doc/ikedaemon/examples/ike.conf
ikedaemon -n -f "$conf" || fail "the shipped $conf does not validate (ikedaemon -n)"
# The full example validates too (its warning about the doc copy's mode
# 0644 is expected).
ikedaemon -n -f "$example" 2>/dev/null || fail "the example $example does not validate"
ikectl_bin=$(command -v ikectl) || fail "ikectl not on PATH"
say "ikectl at $ikectl_bin"
passed

# Man pages: minimal images may keep dpkg from unpacking /usr/share/man.
if grep -rqs '^path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/; then
	say "note: dpkg excludes /usr/share/man here; man pages checked in the .deb only"
else
	man -w ikedaemon ikectl ike.conf || fail "man -w ikedaemon ikectl ike.conf"
	passed
fi

say "systemd-analyze verify $unit"
# verify only warns about unknown or misspelt keys: treat any output as failure,
# except lines about other installed units it loads on the way (freeradius,
# installed for the tests, draws a deprecation warning of its own).
out=$(systemd-analyze verify "$unit" 2>&1) || fail "systemd-analyze verify $unit: $out"
out=$(printf '%s\n' "$out" | awk -v u="$unit" '
	match($0, /^\/[^ :]*\.(service|socket|target|timer|path|mount):/) &&
	    substr($0, 1, RLENGTH - 1) != u { next }
	NF { print }')
[ -z "$out" ] || fail "systemd-analyze verify $unit: $out"
passed
# The unit's exposure must not get worse than the level it has reached
# (2.5 "OK"): a hardening line lost in an edit fails here.
say "systemd-analyze security $unit"
exposure=$(systemd-analyze security --offline=true --no-pager "$unit" 2>/dev/null |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
say "exposure level: ${exposure:-unknown}"
if [ -n "$exposure" ]; then
	awk -v e="$exposure" 'BEGIN { exit !(e <= 2.5) }' ||
		fail "systemd-analyze security: exposure $exposure, above 2.5"
	passed
fi

# The service under a running systemd (debian/tests/service: start with
# readiness, capabilities, reload, stop).  On a machine booted with systemd,
# run it here; in a container, boot a VM whose init is systemd.
if [ -d /run/systemd/system ]; then
	say "systemd is running: debian/tests/service and restart-trap"
	sh "$src/debian/tests/service" || fail "debian/tests/service"
	passed
	sh "$src/debian/tests/restart-trap" || fail "debian/tests/restart-trap"
	passed
elif vm_systemd_possible; then
	vm_systemd_service_test || fail "debian/tests/service and restart-trap in the systemd VM"
	passed
	passed
else
	say "note: systemd is not PID 1 and no VM is possible; unit verified offline only"
fi

# 6. Upgrade to a newer version of the same package over a locally edited
# conffile: the edit and the 0600 mode must survive.
up="$WORK/deb-upgrade"
rm -rf "$up" && mkdir -p "$up" && dpkg-deb -R "$deb" "$up/root"
sed -i "s/^Version: .*/Version: ${version}+stage80/" "$up/root/DEBIAN/control"
dpkg-deb -b --root-owner-group "$up/root" "$up/ikedaemon_upgrade.deb" >/dev/null
echo "# local edit kept across upgrades" >>"$conf"
say "upgrade to ${version}+stage80"
apt-get install -y -qq "$up/ikedaemon_upgrade.deb" >>"$WORK/deb-install.log" 2>&1 ||
	{ tail -30 "$WORK/deb-install.log"; fail "upgrade"; }
[ "$(dpkg-query -W -f='${Version}' ikedaemon)" = "${version}+stage80" ] ||
	fail "version after upgrade: $(dpkg-query -W -f='${Version}' ikedaemon)"
grep -q '^# local edit kept across upgrades' "$conf" || fail "upgrade lost the local edit of $conf"
[ "$(stat -c '%a' $conf)" = 600 ] || fail "$conf mode after upgrade: $(stat -c '%a' $conf)"
passed

# 7. Purge: binaries, unit, enablement links and the conffile all go.
say "apt-get purge ikedaemon"
apt-get purge -y -qq ikedaemon >>"$WORK/deb-install.log" 2>&1 ||
	{ tail -30 "$WORK/deb-install.log"; fail "purge"; }
installed=0
case "$(dpkg-query -W -f='${Status}' ikedaemon 2>/dev/null || true)" in
"" | *" not-installed") ;;
*) fail "ikedaemon still known to dpkg after purge: $(dpkg-query -W -f='${Status}' ikedaemon)" ;;
esac
for f in /usr/sbin/ikedaemon "$ikectl_bin" "$unit" "$conf" "$wants" \
	/usr/share/man/man8/ikedaemon.8.gz /usr/share/doc/ikedaemon \
	/var/lib/systemd/deb-systemd-helper-enabled/ikedaemon.service.dsh-also; do
	if [ -e "$f" ] || [ -L "$f" ]; then fail "$f left after purge"; fi
done
passed
mkdir -p "$WORK/results" && echo "$npass 0" >"$WORK/results/80-deb.counts"
say "package built, linted, installed, upgraded and purged ($npass checks)"
