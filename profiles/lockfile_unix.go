//go:build !windows

package profiles

import (
	"os"

	"golang.org/x/sys/unix"
)

// lockFile locks the open file f (shared or exclusive), waiting as long as
// it takes, and woken at once when the lock is free (no polling).
func lockFile(f *os.File, exclusive bool) error {
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	for {
		err := unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			return err
		}
	}
}

func unlockFile(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }
