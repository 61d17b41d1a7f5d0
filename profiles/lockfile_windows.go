//go:build windows

package profiles

import (
	"os"

	"golang.org/x/sys/windows"
)

// lockRange is a byte far past any data: Windows locks are mandatory, and
// a lock on the bytes an appender writes would make its write fail.
func lockRange() *windows.Overlapped { return &windows.Overlapped{OffsetHigh: 0x7fffffff} }

// lockFile locks the open file f (shared or exclusive), waiting as long as
// it takes.
func lockFile(f *os.File, exclusive bool) error {
	var flags uint32
	if exclusive {
		flags = windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, lockRange())
}

func unlockFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, lockRange())
}
