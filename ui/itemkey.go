package ui

import "strconv"

// itemKey names a home item: a saved profile by name, a connection by its
// place in Context.Connections, or the "New request…" line. The zero key
// names none (a one-off request).
type itemKey struct {
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

func profileKey(name string) itemKey { return itemKey{kind: profileKind, name: name} }
func connKey(i int) itemKey          { return itemKey{kind: connKind, conn: i} }

// none reports the zero key: a request of its own, no home item's.
func (k itemKey) none() bool { return k.kind == noItem }

// held is the name the session holds the item's token under: a profile's
// own name, or "conn:N" for a connection (which no profile name can be).
func (k itemKey) held() string {
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
func (k itemKey) String() string {
	if k.kind == profileKind {
		return "profile:" + k.name
	}
	return k.held()
}
