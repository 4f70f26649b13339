"""Golden articles: short stories in our own words with the text a desk editor would sign off."""
