//go:build !windows

package profiles

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// looseMode reports whether group or others may read or write the file.
func looseMode(fi fs.FileInfo) bool { return fi.Mode().Perm()&0o077 != 0 }

// ownedByMe reports whether the file belongs to this process's user.
func ownedByMe(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Getuid()
}

// ownershipKnown: files have an owner and group/other mode bits here.
const ownershipKnown = true

// changeableByOthers says how someone other than this user (or root) can
// change the file or directory fi ("" when no one can), and whether it is
// by owning it (else by its mode). A directory may be writable by all
// when it is sticky (as /tmp): then only a file's owner can replace it.
func changeableByOthers(fi fs.FileInfo, dir bool) (reason string, owner bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return "has no owner this system reports", true
	}
	if uid := int(st.Uid); uid != os.Getuid() && uid != 0 {
		return fmt.Sprintf("is owned by another user (uid %d)", uid), true
	}
	if perm := fi.Mode().Perm(); perm&0o022 != 0 && !(dir && fi.Mode()&fs.ModeSticky != 0) {
		return fmt.Sprintf("can be written by others (mode %04o)", perm), false
	}
	return "", false
}
