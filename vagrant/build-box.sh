#!/bin/bash
# build-box.sh: builds the lab's Debian 12 Vagrant box for libvirt from
# Debian packages alone (no download from Vagrant Cloud), and adds it to
# Vagrant.  Run as root on a Debian 12 machine that reaches a Debian mirror.
#
#   build-box.sh [--name NAME] [--out DIR] [--mirror URL] [--size GIB]
#                [--no-add] [--force]
#
#   --name    the box's name in `vagrant box list` (default weft/debian12:
#             the Vagrantfile's default under WEFT_VAGRANT_PROFILE=low)
#   --out     where the root tree, the images and NAME.box are made
#             (default vagrant/.box, next to this script; about 3 GiB)
#   --mirror  Debian mirror (default: the first deb.debian.org-style URI of
#             this machine's apt sources, else http://deb.debian.org/debian)
#   --size    the disk's virtual size in GiB (default 8; the qcow2 file holds
#             only what is written)
#   --no-add  build NAME.box but do not `vagrant box add` it
#   --force   rebuild even if NAME is already in `vagrant box list`
#
# The box has what the lab's VMs need, so that they neither compile nor
# download anything: Open vSwitch (with the kernel datapath: the kernel's
# openvswitch module), weft's run-time libraries (jansson, libevent, curl,
# unbound), and the tools the provisioners and demo use (iproute2, jq,
# ping, rsync).  weft itself is not in the box: vagrant/stage-weft.sh
# builds it once on this machine and the VMs install that build.
#
# How, without loop devices or a hypervisor:
#   1. debootstrap bookworm into a directory, with a kernel, systemd, sshd,
#      sudo, ifupdown (how Vagrant configures a Debian guest's networks);
#   2. the Vagrant conventions: user vagrant (password vagrant) with
#      passwordless sudo and Vagrant's insecure public key (the one Debian's
#      vagrant package ships, keys/vagrant.pub, which Vagrant replaces at the
#      first `vagrant up`), eth0 on DHCP, net.ifnames=0 (eth0, eth1, eth2 as
#      the Vagrantfile expects), no ssh host keys or machine-id (each VM makes
#      its own at first boot);
#   3. the root file system made from the directory by `mkfs.ext4 -d`, in a
#      partition image, copied into a disk image partitioned by sfdisk;
#   4. GRUB's i386-pc boot code written in by hand (what grub-install does):
#      boot.img in the MBR, core.img (with biosdisk, part_msdos, ext2 and a
#      prefix of (hd0,msdos1)/boot/grub) in the gap after it; a grub.cfg that
#      boots the kernel by file-system UUID, with a serial console;
#   5. qcow2 box.img + metadata.json + a Vagrantfile, tarred into NAME.box.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
name=weft/debian12
out=$here/.box
mirror=
size_gib=8
add=true
force=false
while [ $# -gt 0 ]; do
    case $1 in
        --name) name=$2; shift 2 ;;
        --name=*) name=${1#*=}; shift ;;
        --out) out=$2; shift 2 ;;
        --out=*) out=${1#*=}; shift ;;
        --mirror) mirror=$2; shift 2 ;;
        --mirror=*) mirror=${1#*=}; shift ;;
        --size) size_gib=$2; shift 2 ;;
        --size=*) size_gib=${1#*=}; shift ;;
        --no-add) add=false; shift ;;
        --force) force=true; shift ;;
        *) echo "usage: $0 [--name NAME] [--out DIR] [--mirror URL] [--size GIB] [--no-add] [--force]" >&2
           exit 2 ;;
    esac
done
case $size_gib in
    ''|*[!0-9]*) echo "$0: --size wants a number of GiB, not '$size_gib'" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "$0: run as root (debootstrap, chroot)" >&2; exit 1; }

say() { echo "build-box[$(date +%T)]: $*"; }
die() { echo "build-box: $*" >&2; exit 1; }

if ! $force && $add && command -v vagrant >/dev/null \
   && vagrant box list 2>/dev/null | grep -q "^$name "; then
    say "$name is already in 'vagrant box list' (--force rebuilds it)"
    exit 0
fi

# The tools, from Debian: debootstrap, mkfs.ext4 (-d needs e2fsprogs >=
# 1.43), sfdisk, qemu-img, GRUB's i386-pc images.
need=()
command -v debootstrap >/dev/null || need+=(debootstrap)
command -v sfdisk >/dev/null || need+=(fdisk)
command -v qemu-img >/dev/null || need+=(qemu-utils)
command -v grub-mkimage >/dev/null && [ -f /usr/lib/grub/i386-pc/boot.img ] \
    || need+=(grub-pc-bin grub-common)
if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi
key=$(find /usr/share/rubygems-integration /usr/lib/ruby /opt/vagrant \
           -path '*/vagrant-*/keys/vagrant.pub' 2>/dev/null | head -n 1 || true)
[ -n "$key" ] || die "no keys/vagrant.pub: install Debian's vagrant package"

if [ -z "$mirror" ]; then
    # The mirror apt uses here (apt-cache policy lists only live sources).
    mirror=$(apt-cache policy 2>/dev/null \
                 | grep -oE 'https?://[^ ]+/debian/?( |$)' | head -n 1 | tr -d ' ' || true)
    mirror=${mirror:-http://deb.debian.org/debian}
fi

root=$out/root
mkdir -p "$out"
cleanup_mounts() {
    local m
    for m in dev/pts dev proc sys; do
        mountpoint -q "$root/$m" 2>/dev/null && umount -l "$root/$m"
    done
    return 0
}
trap cleanup_mounts EXIT
cleanup_mounts
rm -rf "$root"

# 1. The root tree.
pkgs=(systemd-sysv udev dbus openssh-server sudo linux-image-amd64
      initramfs-tools e2fsprogs ifupdown isc-dhcp-client iproute2 iputils-ping ethtool
      rsync python3 jq kmod procps less ca-certificates netcat-openbsd tcpdump
      openvswitch-switch openvswitch-common
      libjansson4 libevent-2.1-7 libevent-pthreads-2.1-7 libcurl4
      libunbound8 libssl3)
say "debootstrap bookworm from $mirror (${#pkgs[@]} packages and their dependencies)"
t0=$(date +%s)
debootstrap --variant=minbase --include="$(IFS=,; echo "${pkgs[*]}")" \
    bookworm "$root" "$mirror" >"$out/debootstrap.log" 2>&1 \
    || { tail -n 20 "$out/debootstrap.log" >&2; die "debootstrap failed (log: $out/debootstrap.log)"; }
say "debootstrap done in $(( $(date +%s) - t0 )) s"

# 2. The Vagrant conventions.
uuid=$(cat /proc/sys/kernel/random/uuid)
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"; }
echo weft-box >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tweft-box\n::1\tlocalhost ip6-localhost ip6-loopback\n' \
    >"$root/etc/hosts"
echo "UUID=$uuid / ext4 errors=remount-ro 0 1" >"$root/etc/fstab"
cat >"$root/etc/network/interfaces" <<'EOF'
# Vagrant's management network; Vagrant appends the private networks.
auto lo
iface lo inet loopback

allow-hotplug eth0
iface eth0 inet dhcp
EOF
echo "deb $mirror bookworm main" >"$root/etc/apt/sources.list"
in_root useradd -m -s /bin/bash -G sudo vagrant
echo vagrant:vagrant | in_root chpasswd
echo 'vagrant ALL=(ALL) NOPASSWD: ALL' >"$root/etc/sudoers.d/vagrant"
chmod 0440 "$root/etc/sudoers.d/vagrant"
install -d -m 0700 "$root/home/vagrant/.ssh"
install -m 0600 "$key" "$root/home/vagrant/.ssh/authorized_keys"
in_root chown -R vagrant:vagrant /home/vagrant/.ssh
# Ed25519 and ECDSA host keys only: an RSA key takes a minute to make under
# emulation, at the first boot.
printf 'UseDNS no\nHostKey /etc/ssh/ssh_host_ed25519_key\nHostKey /etc/ssh/ssh_host_ecdsa_key\n' \
    >"$root/etc/ssh/sshd_config.d/vagrant.conf"
# Every VM gets its own host keys and machine-id at its first boot.
rm -f "$root"/etc/ssh/ssh_host_*
cat >"$root/etc/systemd/system/ssh-host-keys.service" <<'EOF'
[Unit]
Description=Generate the ssh host keys missing (first boot)
Before=ssh.service
ConditionPathExists=!/etc/ssh/ssh_host_ed25519_key

[Service]
Type=oneshot
ExecStart=/usr/bin/ssh-keygen -q -t ed25519 -N "" -f /etc/ssh/ssh_host_ed25519_key
ExecStart=/usr/bin/ssh-keygen -q -t ecdsa -N "" -f /etc/ssh/ssh_host_ecdsa_key

[Install]
WantedBy=multi-user.target
EOF
in_root systemctl enable ssh-host-keys.service >/dev/null 2>&1
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id"
# The OVS kernel module is loaded by openvswitch-switch on demand; Vagrant's
# rsync needs nothing more.  Smaller box: no package cache.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*

kver=$(find "$root/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)
if [ ! -f "$root/boot/vmlinuz-$kver" ] || [ ! -f "$root/boot/initrd.img-$kver" ]; then
    die "no kernel or initrd for '$kver' in $root/boot"
fi
mkdir -p "$root/boot/grub/i386-pc"
cp /usr/lib/grub/i386-pc/*.mod /usr/lib/grub/i386-pc/*.lst "$root/boot/grub/i386-pc/"
cat >"$root/boot/grub/grub.cfg" <<EOF
serial --unit=0 --speed=115200
terminal_input console serial
terminal_output console serial
set timeout=1
insmod part_msdos
insmod ext2
search --no-floppy --fs-uuid --set=root $uuid
menuentry "Debian 12 ($kver)" {
    linux /boot/vmlinuz-$kver root=UUID=$uuid ro net.ifnames=0 biosdevname=0 console=tty0 console=ttyS0,115200n8
    initrd /boot/initrd.img-$kver
}
EOF

# 3. The disk: one partition from 1 MiB, the rest of the disk.
say "file system and disk image"
disk=$out/disk.raw
part=$out/part.raw
rm -f "$disk" "$part"
part_mib=$(( size_gib * 1024 - 1 ))
truncate -s "${size_gib}G" "$disk"
echo 'start=2048, type=83, bootable' | sfdisk -q "$disk"
truncate -s "${part_mib}M" "$part"
mkfs.ext4 -q -F -U "$uuid" -L root -d "$root" "$part" "${part_mib}M"
dd if="$part" of="$disk" bs=1M seek=1 conv=notrunc,sparse status=none
rm -f "$part"

# 4. GRUB's boot code: boot.img's first 440 bytes (the partition table after
# them stays), core.img from sector 1 (boot.img's kernel_sector default;
# grub-mkimage writes core.img's own length into its first sector).
core=$out/core.img
grub-mkimage -O i386-pc -o "$core" -p '(hd0,msdos1)/boot/grub' \
    biosdisk part_msdos ext2 search_fs_uuid normal linux configfile serial \
    terminal echo test
core_sectors=$(( ($(stat -c %s "$core") + 511) / 512 ))
[ "$core_sectors" -lt 2047 ] || die "core.img ($core_sectors sectors) does not fit before the partition"
dd if=/usr/lib/grub/i386-pc/boot.img of="$disk" bs=440 count=1 conv=notrunc status=none
dd if="$core" of="$disk" bs=512 seek=1 conv=notrunc status=none

# 5. The box.
say "qcow2 and $name's box file"
boxdir=$out/box
rm -rf "$boxdir"
mkdir -p "$boxdir"
qemu-img convert -f raw -O qcow2 "$disk" "$boxdir/box.img"
rm -f "$disk" "$core"
printf '{"provider": "libvirt", "format": "qcow2", "virtual_size": %d}\n' "$size_gib" \
    >"$boxdir/metadata.json"
cat >"$boxdir/Vagrantfile" <<'EOF'
# The box's defaults; vagrant/Vagrantfile overrides them.
Vagrant.configure("2") do |config|
  config.vm.provider :libvirt do |lv|
    lv.disk_bus = "virtio"
    lv.nic_model_type = "virtio"
  end
end
EOF
boxfile=$out/$(echo "$name" | tr / -).box
tar -C "$boxdir" -cf "$boxfile" metadata.json Vagrantfile box.img
cleanup_mounts
rm -rf "$boxdir" "$root"
say "box: $boxfile ($(du -h "$boxfile" | cut -f1), kernel $kver)"

if $add; then
    vagrant box add --force --name "$name" "$boxfile" >/dev/null
    say "added: vagrant box list shows $name"
fi
