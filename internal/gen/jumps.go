package gen

import "github.com/dave/jennifer/jen"

// jumpsEmitter writes builders for front-end jumps.
type jumpsEmitter struct{}

func (jumpsEmitter) suffix() string { return "jumps" }

func (jumpsEmitter) emit(p *Package, g *jen.File) (bool, error) {
	if len(p.Jumps) == 0 {
		return false, nil
	}
	plan := p.types()
	for _, j := range p.Jumps {
		plan.JumpData[j].declare(g)
		if back := plan.JumpBack[j]; back != nil {
			back.declare(g)
		}
	}
	return true, nil
}
