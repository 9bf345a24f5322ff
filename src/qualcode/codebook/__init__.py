"""The codebook: a plain-text (YAML) file, validated, loaded into the store and exported."""
