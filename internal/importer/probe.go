package importer

import (
	"sync"

	"github.com/payscoregen/payscoregen/internal/spec"
)

// capabilities are the parts of FORMAT.md the spec loader of this build
// reads. Until it reads them, drafts still write them, with a TODO.
type capabilities struct {
	arrays bool // type: array with items and max_items
	fen    bool // type: integer, format: fen
}

// probeDoc holds an array field on lines 5-8 and a fen field on lines 9-11.
const probeDoc = `package: probe
endpoints:
  - request:
      - name: a
        type: array
        max_items: 2
        items:
          type: string
      - name: b
        type: integer
        format: fen
`

// probe asks the spec loader itself, so the importer needs no change when
// the loader learns the new format.
var probe = sync.OnceValue(func() capabilities {
	_, problems := spec.Parse("probe.yaml", []byte(probeDoc))
	c := capabilities{arrays: true, fen: true}
	for _, p := range problems {
		switch {
		case p.Pos.Line >= 5 && p.Pos.Line <= 8:
			c.arrays = false
		case p.Pos.Line >= 10 && p.Pos.Line <= 11:
			c.fen = false
		}
	}
	return c
})
