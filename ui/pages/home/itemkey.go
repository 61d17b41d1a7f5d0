package home

import "strconv"

// ItemKey names a home item: a saved profile by name, a connection by its
// place in Context.Connections, or the "New request…" line. The zero key
// names none (a one-off request).
type ItemKey struct {
	kind itemKind
	name string // a profile's
	conn int    // a connection's index
}

type itemKind int

const (
	noItem itemKind = iota
	profileKind
	connKind
	newKind
)

// ProfileKey names the saved profile name.
func ProfileKey(name string) ItemKey { return ItemKey{kind: profileKind, name: name} }

// ConnKey names the i-th connection.
func ConnKey(i int) ItemKey { return ItemKey{kind: connKind, conn: i} }

// Conn is the index of the connection the key names; ok is false for a
// key that names none.
func (k ItemKey) Conn() (i int, ok bool) { return k.conn, k.kind == connKind }

// IsNew reports the "New request…" line's key.
func (k ItemKey) IsNew() bool { return k.kind == newKind }

// None reports the zero key: a request of its own, no home item's.
func (k ItemKey) None() bool { return k.kind == noItem }

// Held is the name the session holds the item's token under: a profile's
// own name, or "conn:N" for a connection (which no profile name can be).
func (k ItemKey) Held() string {
	switch k.kind {
	case profileKind:
		return k.name
	case connKind:
		return "conn:" + strconv.Itoa(k.conn)
	case newKind:
		return "new"
	}
	return ""
}

// String names the key for drafts: "profile:NAME", "conn:N", "new".
func (k ItemKey) String() string {
	if k.kind == profileKind {
		return "profile:" + k.name
	}
	return k.Held()
}
