"""Rights and benefits: articles on policies, regimes and benefits, owned by units and read by
everyone in the owning unit's subtree, searched without accents."""
