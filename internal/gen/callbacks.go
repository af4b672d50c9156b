package gen

import "github.com/dave/jennifer/jen"

// callbacksEmitter writes typed notification decoders and handlers.
type callbacksEmitter struct{}

func (callbacksEmitter) suffix() string { return "callbacks" }

func (callbacksEmitter) emit(p *Package, g *jen.File) (bool, error) {
	if len(p.Callbacks) == 0 {
		return false, nil
	}
	plan := p.types()
	for _, cb := range p.Callbacks {
		plan.Callbacks[cb].declare(g)
	}
	return true, nil
}
