-- Fact search for Aletheia. websearch_to_tsquery ANDs every word, so a question in natural language
-- ("at what temperature does water boil at sea level") rarely matches any fact. Search therefore
-- matches facts containing ANY word of the query, and ranks those that satisfy the full websearch
-- query (all words, "quoted phrases", -negations) first, then by ts_rank.

-- OR over tsqueries (tsquery_or is the function behind the || operator).
CREATE AGGREGATE nyx_tsquery_or(tsquery) (SFUNC = tsquery_or, STYPE = tsquery);

-- Any-word query: each whitespace-separated word parsed on its own (stemmed, stop words dropped).
-- NULL when no word survives, so "tsv @@ nyx_any_word_query(...)" then matches nothing.
CREATE FUNCTION nyx_any_word_query(query text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT nyx_tsquery_or(q)
      FROM regexp_split_to_table(query, '\s+') AS word,
           plainto_tsquery('english', word) AS q
     WHERE numnode(q) > 0
$$;
