/** The R2 tests use the same synthesis and problem helpers as the Access tests. */
export * from '../access/support';
